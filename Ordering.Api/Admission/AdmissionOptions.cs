namespace Shop.Ordering.Api.Admission;

/// <summary>Admission settings of the buy hot path, bound from <c>Ordering:Admission</c>.</summary>
public sealed class AdmissionOptions
{
    public const string SectionName = "Ordering:Admission";

    /// <summary>Buy decisions in progress at once in this process; more are shed with 429.</summary>
    public int MaxConcurrentDecisions { get; set; } = 1024;

    /// <summary>Per-buyer token bucket: burst size.</summary>
    public int BuyerBurst { get; set; } = 5;

    /// <summary>Per-buyer token bucket: tokens added per second.</summary>
    public int BuyerRequestsPerSecond { get; set; } = 5;

    /// <summary>
    /// How long a "sold out" answer is remembered in-process before Redis is asked again. Units coming back end it
    /// sooner (a pub/sub notice, see SoldOutShortcut); this bound is the safety net should a notice be lost.
    /// </summary>
    public TimeSpan SoldOutMemory { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The largest buy request body accepted (413 beyond); <c>{"quantity": n}</c> needs a few bytes.</summary>
    public int MaxBodyBytes { get; set; } = 1024;
}
