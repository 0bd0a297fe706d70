using System.ComponentModel.DataAnnotations;
using Shop.Catalog.Data;

namespace Shop.Catalog.Api.Messaging;

/// <summary>The outbox publisher's settings, section <c>Catalog:Outbox</c>.</summary>
public sealed class OutboxOptions
{
    public const string SectionName = "Catalog:Outbox";

    /// <summary>How often pending rows are looked for without a notification (rows of other replicas, retries).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Rows claimed per round.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 50;

    /// <summary>The first retry delay of a message that failed; doubled per attempt up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Sent rows are kept this long (for inspection), then deleted; checked about once an hour.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan SentRetention { get; set; } = TimeSpan.FromDays(7);
}
