namespace Shop.Identity.Data;

/// <summary>
/// The recent failed sign-ins of one account or one client address (<see cref="Key"/> says which), and until when
/// further attempts are refused. A row per key, updated in one statement per attempt (Identity.Api's
/// <c>SignInThrottle</c>), so every replica sees the same count and a restart forgets nothing.
/// </summary>
public sealed class SignInThrottleEntry
{
    /// <summary><c>account:{normalized user name}</c> or <c>client:{address}</c>.</summary>
    public required string Key { get; set; }

    /// <summary>Attempts counted since the last success or since the window expired (an attempt counts before its password is checked).</summary>
    public int Failures { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }

    public DateTimeOffset LastAttemptAt { get; set; }
}
