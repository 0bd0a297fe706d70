namespace Shop.Ordering.Api.Relay;

/// <summary>Settings of the stream → RabbitMQ relay, bound from <c>Ordering:Relay</c>.</summary>
public sealed class RelayOptions
{
    public const string SectionName = "Ordering:Relay";

    /// <summary>Stream entries read, published and confirmed together; also the bound on messages in flight.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>How long one read waits for new entries (on the relay's own Redis connection, never the shared one).</summary>
    public TimeSpan ReadBlock { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Entries another relay read but did not acknowledge for this long are taken over (that relay died).</summary>
    public TimeSpan ClaimAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Wait after a failure (Redis or RabbitMQ down) before trying again.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);
}
