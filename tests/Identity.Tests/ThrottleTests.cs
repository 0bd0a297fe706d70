using System.Net;

namespace Shop.Identity.Tests;

/// <summary>Failed sign-ins slow down per account and per client address, the same on every replica.</summary>
[Collection(IdentityCollection.Name)]
public sealed class ThrottleTests(IdentityAppFixture fixture)
{
    [Fact]
    public async Task After_the_free_attempts_a_wrong_password_is_answered_429_and_the_right_one_works_after_the_wait_on_another_replica()
    {
        const string Account = "dave";
        for (var attempt = 1; attempt <= IdentityAppFixture.AccountFreeAttempts; attempt++)
        {
            using var wrong = await fixture.SignInAsync(Account, "wrong-" + attempt, replica: attempt % 2);
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        }

        using var throttled = await fixture.SignInAsync(Account, IdentityAppFixture.ShopperPassword, replica: 1);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal("application/problem+json", throttled.Content.Headers.ContentType?.MediaType);
        var wait = throttled.Headers.RetryAfter?.Delta ?? throw new Xunit.Sdk.XunitException("429 without Retry-After");
        Assert.InRange(wait, TimeSpan.FromSeconds(1), IdentityAppFixture.FirstDelay);

        await Task.Delay(wait + TimeSpan.FromMilliseconds(200));
        using var signedIn = await fixture.SignInAsync(Account, IdentityAppFixture.ShopperPassword, replica: 0);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);

        // The success forgave the account: wrong passwords are free again.
        using var again = await fixture.SignInAsync(Account, "wrong-again", replica: 1);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
    }

    [Fact]
    public async Task Of_thirty_concurrent_wrong_passwords_for_one_account_only_the_free_attempts_are_checked()
    {
        // Through the storefront client with an address of this test's own, so the shared test address is not throttled.
        var burst = System.Diagnostics.Stopwatch.StartNew();
        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => fixture.StorefrontSignInAsync("frank", "guess-" + i, "203.0.113.50", replica: i % 2)));
        burst.Stop();
        var statuses = answers.Select(a => a.StatusCode).ToList();
        foreach (var answer in answers)
        {
            answer.Dispose();
        }

        // Each lock that ends while the burst still runs lets one more attempt be checked (and doubles the next lock);
        // with a burst shorter than the first lock, none does.
        var lockEnds = (int)(burst.Elapsed / IdentityAppFixture.FirstDelay);
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.BadRequest), 1, IdentityAppFixture.AccountFreeAttempts + lockEnds);
        Assert.Equal(30, statuses.Count(s => s is HttpStatusCode.BadRequest or HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task One_client_address_guessing_across_accounts_is_throttled_too()
    {
        const string Address = "203.0.113.7";
        for (var attempt = 1; attempt <= IdentityAppFixture.ClientFreeAttempts; attempt++)
        {
            using var wrong = await fixture.StorefrontSignInAsync("guess-" + attempt, "wrong", Address, replica: attempt % 2);
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        }

        using var throttled = await fixture.StorefrontSignInAsync("alice", IdentityAppFixture.ShopperPassword, Address);
        using var otherAddress = await fixture.StorefrontSignInAsync("alice", IdentityAppFixture.ShopperPassword, "203.0.113.8");

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.NotNull(throttled.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, otherAddress.StatusCode);
    }

    [Fact]
    public async Task Sign_ins_are_counted_by_outcome_in_the_metrics()
    {
        using var http = new HttpClient { BaseAddress = fixture.Replicas[0] };
        await Eventually.TrueAsync(async () =>
        {
            var metrics = await http.GetStringAsync("/metrics");
            return metrics.Contains("shop_identity_sign_ins_total{", StringComparison.Ordinal) && metrics.Contains("outcome=\"wrong_credentials\"", StringComparison.Ordinal);
        }, "identity-api's /metrics counts sign-ins by outcome");
    }
}
