using System.ComponentModel.DataAnnotations;

namespace Shop.Identity.Api.SignIn;

/// <summary>
/// How failed sign-ins are slowed down (section <c>Identity:Throttle</c>): after <see cref="AccountFreeAttempts"/>
/// attempts on one account (or <see cref="ClientFreeAttempts"/> from one client address) without a success, each
/// further one waits <see cref="FirstDelay"/>, then twice as long each time, up to <see cref="MaxDelay"/>; attempts are
/// forgotten after <see cref="Window"/> without one.
/// </summary>
public sealed class SignInThrottleOptions
{
    public const string SectionName = "Identity:Throttle";

    [Range(1, 1000)]
    public int AccountFreeAttempts { get; set; } = 5;

    /// <summary>Higher than the account's: many people may share one address (an office, a mobile network).</summary>
    [Range(1, 100_000)]
    public int ClientFreeAttempts { get; set; } = 50;

    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);
}
