using Shop.Identity.Api.SignIn;

namespace Shop.Identity.Tests;

/// <summary>The throttle's arithmetic alone (no server): what each attempt is answered, and what it leaves behind.</summary>
public sealed class SignInThrottleRuleTests
{
    private static readonly SignInThrottleOptions Options = new() { FirstDelay = TimeSpan.FromSeconds(5), MaxDelay = TimeSpan.FromMinutes(1), Window = TimeSpan.FromMinutes(15) };
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_attempt_that_uses_the_last_free_one_locks_for_the_first_delay_and_each_later_failure_doubles_it()
    {
        var state = new ThrottleState(0, null, Now);
        for (var i = 1; i < 5; i++)
        {
            var (refused, next) = SignInThrottleRule.Attempt(state, freeAttempts: 5, Options, Now);
            Assert.Null(refused);
            Assert.Null(next.LockedUntil);
            state = next;
        }

        var (_, fifth) = SignInThrottleRule.Attempt(state, 5, Options, Now);
        Assert.Equal(Now + TimeSpan.FromSeconds(5), fifth.LockedUntil);
        var (_, sixth) = SignInThrottleRule.Attempt(fifth, 5, Options, Now + TimeSpan.FromSeconds(6));
        Assert.Equal(Now + TimeSpan.FromSeconds(16), sixth.LockedUntil);
        Assert.Equal(TimeSpan.FromMinutes(1), SignInThrottleRule.Delay(20, Options));
    }

    [Fact]
    public void An_attempt_while_locked_is_refused_until_the_lock_ends_and_changes_nothing()
    {
        var locked = new ThrottleState(5, Now + TimeSpan.FromSeconds(5), Now);

        var (refused, next) = SignInThrottleRule.Attempt(locked, 5, Options, Now + TimeSpan.FromSeconds(1));

        Assert.Equal(Now + TimeSpan.FromSeconds(5), refused);
        Assert.Equal(locked, next);
    }

    [Fact]
    public void Failures_older_than_the_window_are_forgotten()
    {
        var old = new ThrottleState(4, null, Now - TimeSpan.FromMinutes(16));

        var (refused, next) = SignInThrottleRule.Attempt(old, 5, Options, Now);

        Assert.Null(refused);
        Assert.Equal(1, next.Failures);
        Assert.Null(next.LockedUntil);
    }

    [Fact]
    public void A_success_forgives_the_account_and_takes_back_only_its_own_attempt_from_the_client()
    {
        var afterAttempt = new ThrottleState(5, Now + TimeSpan.FromSeconds(5), Now);

        Assert.Equal(new ThrottleState(0, null, Now), SignInThrottleRule.Succeeded(afterAttempt, 5, forgetAll: true));
        Assert.Equal(new ThrottleState(4, null, Now), SignInThrottleRule.Succeeded(afterAttempt, 5, forgetAll: false));
        var busyClient = new ThrottleState(30, Now + TimeSpan.FromSeconds(5), Now);
        Assert.Equal(busyClient with { Failures = 29 }, SignInThrottleRule.Succeeded(busyClient, 20, forgetAll: false));
    }
}
