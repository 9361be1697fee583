using System.Text.Json.Serialization;

namespace DiffusionDynamics.Scores.Onnx;

/// <summary>
/// The noise clock an imported model was trained on, and so what its noise-level input carries
/// (docs/theory.md §1, §9). Each maps onto the OU time t:
/// <list type="bullet">
/// <item><see cref="DdpmLinear"/>: discrete step k of β_k = β_start + k (β_end − β_start)/(K − 1) (diffusers' default
/// K = 1000, β 1e−4 → 0.02); t_k = −½ ln ᾱ_k.</item>
/// <item><see cref="DdpmCosine"/>: discrete step k of the cosine schedule (Nichol &amp; Dhariwal 2021, s = 0.008;
/// diffusers "squaredcos_cap_v2").</item>
/// <item><see cref="Table"/>: discrete step k of a table read from a file: a .npy (or JSON array) of β_k or ᾱ_k, or a
/// diffusers <c>scheduler_config.json</c> (num_train_timesteps, beta_start, beta_end, beta_schedule, trained_betas).</item>
/// <item><see cref="VpSde"/>: continuous VP time s ∈ [0, 1] (times a scale, e.g. 999 for score_sde's DDPM-cont models),
/// t(s) = ¼ s² (β_max − β_min) + ½ s β_min.</item>
/// <item><see cref="Edm"/>: the EDM / VE noise level σ (Karras et al. 2022), t = ½ ln(1 + σ²); the model sees x_σ = x e^{t}.</item>
/// </list>
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<OnnxScheduleKind>))]
public enum OnnxScheduleKind
{
    /// <summary>DDPM linear β table (discrete steps).</summary>
    DdpmLinear,

    /// <summary>DDPM cosine table (discrete steps).</summary>
    DdpmCosine,

    /// <summary>A β or ᾱ table from a file (discrete steps).</summary>
    Table,

    /// <summary>Continuous VP-SDE time s.</summary>
    VpSde,

    /// <summary>EDM / VE σ.</summary>
    Edm,
}
