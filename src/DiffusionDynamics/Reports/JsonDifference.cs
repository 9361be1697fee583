using System.Text.Json;
using System.Text.Json.Nodes;

namespace DiffusionDynamics.Reports;

/// <summary>The first difference between two JSON trees, as "path: stored …, given …" (for refusing a resume or a merge with other options).</summary>
internal static class JsonDifference
{
    /// <summary>Path and values of the first difference between <paramref name="a"/> (stored) and <paramref name="b"/> (given), or null when equal.</summary>
    public static string? First(JsonNode? a, JsonNode? b, string at, string left = "stored", string right = "given")
    {
        if (JsonNode.DeepEquals(a, b)) return null;
        if (a is JsonObject oa && b is JsonObject ob)
        {
            foreach (var key in oa.Select(p => p.Key).Union(ob.Select(p => p.Key)))
                if (First(oa[key], ob[key], $"{at}.{key}", left, right) is string d) return d;
        }
        else if (a is JsonArray xa && b is JsonArray xb && xa.Count == xb.Count)
        {
            for (int i = 0; i < xa.Count; i++)
                if (First(xa[i], xb[i], $"{at}[{i}]", left, right) is string d) return d;
        }
        return $"{at}: {left} {Show(a)}, {right} {Show(b)}";
    }

    private static string Show(JsonNode? n) => n is null ? "null" : n.ToJsonString(new JsonSerializerOptions { Encoder = RunManifest.JsonOptions.Encoder });
}
