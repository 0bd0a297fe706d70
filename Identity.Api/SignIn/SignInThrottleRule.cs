namespace Shop.Identity.Api.SignIn;

/// <summary>The state of one throttle key (an account or a client address), as stored in <c>sign_in_throttle</c>.</summary>
public readonly record struct ThrottleState(int Failures, DateTimeOffset? LockedUntil, DateTimeOffset LastAttemptAt);

/// <summary>
/// The throttle's arithmetic, without storage: an attempt counts as a failure before its password is checked (so a
/// burst of concurrent attempts cannot all get through while none has failed yet) and is taken back when it succeeds.
/// Once the free attempts are used, the attempt that uses the last one locks the key for a delay that doubles with
/// every further failure; attempts while it is locked are refused and change nothing.
/// </summary>
public static class SignInThrottleRule
{
    /// <summary>An attempt at <paramref name="now"/>: refused until when (null: let through), and the state after it.</summary>
    public static (DateTimeOffset? RefusedUntil, ThrottleState Next) Attempt(ThrottleState state, int freeAttempts, SignInThrottleOptions options, DateTimeOffset now)
    {
        if (state.LockedUntil is { } lockedUntil && lockedUntil > now)
        {
            return (lockedUntil, state);
        }
        var failures = (now - state.LastAttemptAt > options.Window ? 0 : state.Failures) + 1;
        var locked = failures >= freeAttempts ? now + Delay(failures - freeAttempts, options) : (DateTimeOffset?)null;
        return (null, new ThrottleState(failures, locked, now));
    }

    /// <summary>The attempt succeeded: it is no failure, and a lock it set comes off if the key is below its free attempts again.</summary>
    public static ThrottleState Succeeded(ThrottleState state, int freeAttempts, bool forgetAll)
    {
        var failures = forgetAll ? 0 : Math.Max(0, state.Failures - 1);
        return state with { Failures = failures, LockedUntil = failures >= freeAttempts ? state.LockedUntil : null };
    }

    /// <summary>FirstDelay × 2^extra, at most MaxDelay.</summary>
    public static TimeSpan Delay(int extraFailures, SignInThrottleOptions options)
    {
        var factor = Math.Pow(2, Math.Min(extraFailures, 30));
        var delay = options.FirstDelay * factor;
        return delay > options.MaxDelay ? options.MaxDelay : delay;
    }
}
