using Microsoft.Playwright;

namespace DiffusionDynamics.Tests.ReportTests;

/// <summary>
/// Every command's HTML report as a person sees it: opened in headless Debian chromium (driven by Playwright with the
/// system executable), with no console errors, every image loaded, every linked file present and no empty or NaN cell in
/// the summary table. A screenshot of each report is saved under the test output (report-screenshots/COMMAND.png).
/// Without chromium the test fails, saying how to install it (test.sh installs it as root).
/// </summary>
[Collection(RunAloneCollection.Name)]
public sealed class BrowserReportTests
{
    /// <summary>Debian's chromium; DIFFDYN_CHROMIUM overrides the path.</summary>
    private static string Chromium => Environment.GetEnvironmentVariable("DIFFDYN_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>What the page shows, read by script in the browser.</summary>
    private const string Inspect = """
        () => {
          const summary = [...document.querySelectorAll('h2')].find(h => h.textContent.trim() === 'Summary');
          let table = summary ? summary.nextElementSibling : null;
          while (table && table.tagName !== 'TABLE') table = table.nextElementSibling;
          return {
            brokenImages: [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.getAttribute('src')),
            images: document.images.length,
            links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
            summaryCells: table ? [...table.querySelectorAll('td')].map(td => td.textContent) : null,
          };
        }
        """;

    private sealed class PageState
    {
        public string[] BrokenImages { get; set; } = [];
        public int Images { get; set; }
        public string[] Links { get; set; } = [];
        public string[]? SummaryCells { get; set; }
    }

    [Fact]
    public async Task EveryCommandsReport_LoadsCleanlyInChromium()
    {
        Assert.True(File.Exists(Chromium),
            $"chromium not found at {Chromium}: install Debian's chromium (apt-get install -y chromium; ./test.sh does it when run as root) or set DIFFDYN_CHROMIUM.");
        var runs = SmallRuns.Arguments.Keys.Select(name => (Name: name, Folder: SmallRuns.Of(name))).ToList();
        runs.Add(("compare", CompareOf(SmallRuns.Of("regimes"))));
        string shots = Path.Combine(AppContext.BaseDirectory, "report-screenshots");
        Directory.CreateDirectory(shots);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--allow-file-access-from-files"],
        });
        var problems = new List<string>();
        foreach (var (name, run) in runs)
        {
            // A run's report is its index.html; a trained model folder keeps it in report/.
            string report = Directory.GetFiles(run, "index.html", SearchOption.AllDirectories).OrderBy(f => f.Length).FirstOrDefault()
                ?? throw new FileNotFoundException($"{name}: no index.html under {run}");
            string folder = Path.GetDirectoryName(report)!;
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 900 } });
            var errors = new List<string>();
            page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };
            page.PageError += (_, e) => errors.Add(e);
            await page.GotoAsync(new Uri(Path.Combine(folder, "index.html")).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
            var state = await page.EvaluateAsync<PageState>(Inspect);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, name + ".png"), FullPage = true });
            await page.CloseAsync();

            problems.AddRange(errors.Select(e => $"{name}: console error: {e}"));
            problems.AddRange(state.BrokenImages.Select(src => $"{name}: image not loaded: {src}"));
            if (state.Images == 0) problems.Add($"{name}: the report shows no figure");
            if (state.Links.Length == 0) problems.Add($"{name}: the report links no file");
            foreach (var link in state.Links.Where(l => !l.Contains("://", StringComparison.Ordinal) && !l.StartsWith('#')))
                if (!File.Exists(Path.Combine(folder, Uri.UnescapeDataString(link))) && !Directory.Exists(Path.Combine(folder, Uri.UnescapeDataString(link))))
                    problems.Add($"{name}: linked file missing: {link}");
            if (state.SummaryCells is null) problems.Add($"{name}: no summary table");
            else
                foreach (var cell in state.SummaryCells.Where(c => string.IsNullOrWhiteSpace(c) || c.Contains("NaN", StringComparison.Ordinal)))
                    problems.Add($"{name}: summary cell '{cell}'");
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Equal(runs.Count, Directory.GetFiles(shots, "*.png").Count(f => runs.Any(r => Path.GetFileName(f) == r.Name + ".png")));
    }

    /// <summary>A compare run of <paramref name="run"/> against a second seed of it.</summary>
    private static string CompareOf(string run)
    {
        string other = SmallRuns.Of("regimes-seed1", [.. SmallRuns.Arguments["regimes"], "--seed", "1"]);
        string dir = Path.Combine(SmallRuns.Root, "compare");
        if (!Directory.Exists(dir))
        {
            var err = new StringWriter();
            int code = DiffusionDynamics.Cli.CliApp.Run(["compare", run, other, "--out", dir], new StringWriter(), err);
            Assert.True(code == 0, err.ToString());
        }
        return dir;
    }
}
