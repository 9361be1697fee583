using DiffusionDynamics.Backend;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionDynamics.Neural;

/// <summary>
/// ε̂(x, t) by a small DDPM-style U-Net (Ho et al. 2020) on images [C, H, W], levels l = 0..L−1 with
/// c_l = Channels · Multipliers[l] channels at resolution ⌈H/2^l⌉ × ⌈W/2^l⌉:
/// <code>
///   τ = Linear(SiLU(Linear_E→4c(emb(t))))                               time features, 4c wide
///   h = Conv3×3_C→c(x)
///   down, l = 0..L−1:  h = Res_l(h, τ); skip_l = h; if l &lt; L−1: h = Conv3×3 stride 2(h)
///   middle:            h = Res(h, τ); [h = Attention(h)]; h = Res(h, τ)
///   up, l = L−1..0:    if l &lt; L−1: h = Conv3×3(NearestUpsample(h) to skip_l's size); h = Res(cat(h, skip_l), τ)
///   ε̂ = Conv3×3_c→C(SiLU(GroupNorm(h)))
/// </code>
/// Odd sizes are handled: a stride-2 conv maps s to ⌈s/2⌉ and the upsampling returns to the skip's exact size.
/// </summary>
internal sealed class UNetBody : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear timeIn;
    private readonly Linear timeOut;
    private readonly Conv2d convIn;
    private readonly ModuleList<ResBlock> down = new();
    private readonly ModuleList<Conv2d> downsample = new();
    private readonly ResBlock middle1;
    private readonly AttentionBlock? attention;
    private readonly ResBlock middle2;
    private readonly ModuleList<Conv2d> upsample = new();
    private readonly ModuleList<ResBlock> up = new();
    private readonly GroupNorm normOut;
    private readonly Conv2d convOut;
    private readonly int embedding;
    private readonly long[] itemShape;

    public UNetBody(NetworkOptions o) : base("UNetBody")
    {
        embedding = o.TimeEmbedding;
        itemShape = o.ItemShape.Select(s => (long)s).ToArray();
        int c = o.Channels, tdim = 4 * c, inChannels = o.ItemShape[0];
        int[] ch = (o.Multipliers ?? [1, 2]).Select(m => c * m).ToArray();
        int levels = ch.Length;
        timeIn = nn.Linear(o.TimeEmbedding, tdim);
        timeOut = nn.Linear(tdim, tdim);
        convIn = nn.Conv2d(inChannels, c, 3, padding: 1);
        int prev = c;
        for (int l = 0; l < levels; l++)
        {
            down.Add(new ResBlock(prev, ch[l], tdim));
            prev = ch[l];
            if (l < levels - 1) downsample.Add(nn.Conv2d(prev, prev, 3, stride: 2, padding: 1));
        }
        middle1 = new ResBlock(prev, prev, tdim);
        if (o.Attention) attention = new AttentionBlock(prev);
        middle2 = new ResBlock(prev, prev, tdim);
        for (int l = levels - 1; l >= 0; l--)
        {
            if (l < levels - 1) upsample.Add(nn.Conv2d(prev, prev, 3, padding: 1));
            up.Add(new ResBlock(prev + ch[l], ch[l], tdim));
            prev = ch[l];
        }
        normOut = TorchFixes.GroupNorm(ResBlock.Groups(prev), prev);
        convOut = nn.Conv2d(prev, inChannels, 3, padding: 1);
        RegisterComponents();
    }

    /// <summary>x: [B, d] flat, t: [B] → [B, d].</summary>
    public override Tensor forward(Tensor x, Tensor t)
    {
        long batch = x.shape[0];
        var tau = timeOut.forward(nn.functional.silu(timeIn.forward(SinusoidalEmbedding.Embed(t, embedding))));
        var h = convIn.forward(x.reshape([batch, .. itemShape]));
        var skips = new List<Tensor>();
        for (int l = 0; l < down.Count; l++)
        {
            h = down[l].forward(h, tau);
            skips.Add(h);
            if (l < downsample.Count) h = downsample[l].forward(h);
        }
        h = middle1.forward(h, tau);
        if (attention is not null) h = attention.forward(h);
        h = middle2.forward(h, tau);
        for (int i = 0; i < up.Count; i++)
        {
            int l = down.Count - 1 - i;
            var skip = skips[l];
            if (i > 0)
            {
                h = nn.functional.interpolate(h, size: [skip.shape[2], skip.shape[3]], mode: InterpolationMode.Nearest);
                h = upsample[i - 1].forward(h);
            }
            h = up[i].forward(torch.cat([h, skip], 1), tau);
        }
        h = convOut.forward(nn.functional.silu(normOut.forward(h)));
        return h.reshape(batch, -1);
    }
}

/// <summary>
/// Residual block with time conditioning: h = Conv(SiLU(GN(x))) + Linear(SiLU(τ)) (per channel);
/// out = Conv(SiLU(GN(h))) + skip(x), skip a 1×1 conv when the channel count changes.
/// </summary>
internal sealed class ResBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly GroupNorm norm1;
    private readonly Conv2d conv1;
    private readonly Linear timeProjection;
    private readonly GroupNorm norm2;
    private readonly Conv2d conv2;
    private readonly Conv2d? skip;

    /// <summary>GroupNorm groups for a channel count: gcd(8, channels), so any count is valid (32 → 8, 12 → 4).</summary>
    public static int Groups(int channels)
    {
        int a = 8, b = channels;
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }

    public ResBlock(int inChannels, int outChannels, int timeDim) : base("ResBlock")
    {
        norm1 = TorchFixes.GroupNorm(Groups(inChannels), inChannels);
        conv1 = nn.Conv2d(inChannels, outChannels, 3, padding: 1);
        timeProjection = nn.Linear(timeDim, outChannels);
        norm2 = TorchFixes.GroupNorm(Groups(outChannels), outChannels);
        conv2 = nn.Conv2d(outChannels, outChannels, 3, padding: 1);
        if (inChannels != outChannels) skip = nn.Conv2d(inChannels, outChannels, 1);
        RegisterComponents();
    }

    /// <summary>x: [B, C_in, H, W], τ: [B, T] → [B, C_out, H, W].</summary>
    public override Tensor forward(Tensor x, Tensor tau)
    {
        var h = conv1.forward(nn.functional.silu(norm1.forward(x)));
        h = h + timeProjection.forward(nn.functional.silu(tau)).unsqueeze(-1).unsqueeze(-1);
        h = conv2.forward(nn.functional.silu(norm2.forward(h)));
        return h + (skip is null ? x : skip.forward(x));
    }
}

/// <summary>
/// Single-head self-attention over the H·W positions (Ho et al. 2020): q, k, v = Conv1×1(GN(x)),
/// out = x + Conv1×1(v · softmax(qᵀk / √C)ᵀ).
/// </summary>
internal sealed class AttentionBlock : nn.Module<Tensor, Tensor>
{
    private readonly GroupNorm norm;
    private readonly Conv2d qkv;
    private readonly Conv2d projection;

    public AttentionBlock(int channels) : base("AttentionBlock")
    {
        norm = TorchFixes.GroupNorm(ResBlock.Groups(channels), channels);
        qkv = nn.Conv2d(channels, 3 * channels, 1);
        projection = nn.Conv2d(channels, channels, 1);
        RegisterComponents();
    }

    /// <summary>x: [B, C, H, W] → same shape.</summary>
    public override Tensor forward(Tensor x)
    {
        long b = x.shape[0], c = x.shape[1], hw = x.shape[2] * x.shape[3];
        var parts = qkv.forward(norm.forward(x)).reshape(b, 3 * c, hw).chunk(3, 1);
        var (q, k, v) = (parts[0], parts[1], parts[2]);                          // [B, C, HW]
        var w = torch.bmm(q.transpose(1, 2), k).mul(1.0 / Math.Sqrt(c)).softmax(-1); // [B, HW, HW]
        var h = torch.bmm(v, w.transpose(1, 2)).reshape(x.shape);               // [B, C, H, W]
        return x + projection.forward(h);
    }
}
