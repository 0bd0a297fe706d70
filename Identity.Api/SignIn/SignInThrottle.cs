using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Shop.Identity.Data;

namespace Shop.Identity.Api.SignIn;

/// <summary>
/// Failed sign-ins per account and per client address, in identitydb's <c>sign_in_throttle</c>: shared by every
/// replica and kept across restarts. Identity's own lockout is not used: it counts per account only, and its counter
/// is updated with an optimistic concurrency check, so of 30 concurrent wrong attempts most are not counted. Here
/// each attempt locks the two rows it touches (in key order, so two attempts never deadlock) for one short transaction.
/// </summary>
public sealed class SignInThrottle(ShopIdentityDbContext db, IOptions<SignInThrottleOptions> options, TimeProvider time)
{
    /// <summary>The keys of an attempt: the account (by normalized user name) and the client address.</summary>
    public readonly record struct Keys(string Account, string Client)
    {
        public static Keys For(string normalizedUserName, IPAddress? client) =>
            new("account:" + normalizedUserName, "client:" + (client?.ToString() ?? "unknown"));
    }

    /// <summary>Counts the attempt; when the account or the client is locked, how long to wait instead (nothing is counted then).</summary>
    public Task<TimeSpan?> BeginAttemptAsync(Keys keys, CancellationToken cancellationToken) =>
        UpdateAsync(keys, cancellationToken, (key, state, now) =>
        {
            var (refusedUntil, next) = SignInThrottleRule.Attempt(state, FreeAttempts(keys, key), options.Value, now);
            return (next, refusedUntil);
        });

    /// <summary>The password was right: the account's failures are forgotten, the client's attempt taken back.</summary>
    public Task SucceededAsync(Keys keys, CancellationToken cancellationToken) =>
        UpdateAsync(keys, cancellationToken, (key, state, _) =>
            (SignInThrottleRule.Succeeded(state, FreeAttempts(keys, key), forgetAll: key == keys.Account), null));

    private int FreeAttempts(Keys keys, string key) => key == keys.Account ? options.Value.AccountFreeAttempts : options.Value.ClientFreeAttempts;

    private async Task<TimeSpan?> UpdateAsync(Keys keys, CancellationToken cancellationToken,
        Func<string, ThrottleState, DateTimeOffset, (ThrottleState Next, DateTimeOffset? RefusedUntil)> update)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async token =>
        {
            db.ChangeTracker.Clear();
            var now = time.GetUtcNow();
            await using var transaction = await db.Database.BeginTransactionAsync(token).ConfigureAwait(false);
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO sign_in_throttle (key, failures, last_attempt_at) VALUES ({keys.Account}, 0, {now}), ({keys.Client}, 0, {now}) ON CONFLICT (key) DO NOTHING",
                token).ConfigureAwait(false);
            var rows = await db.SignInThrottle
                .FromSql($"SELECT * FROM sign_in_throttle WHERE key IN ({keys.Account}, {keys.Client}) ORDER BY key FOR UPDATE")
                .ToListAsync(token).ConfigureAwait(false);
            DateTimeOffset? refusedUntil = null;
            foreach (var row in rows)
            {
                var (next, until) = update(row.Key, new ThrottleState(row.Failures, row.LockedUntil, row.LastAttemptAt), now);
                (row.Failures, row.LockedUntil, row.LastAttemptAt) = (next.Failures, next.LockedUntil, next.LastAttemptAt);
                if (until is { } u && (refusedUntil is null || u > refusedUntil))
                {
                    refusedUntil = u;
                }
            }
            if (refusedUntil is not null)
            {
                // A refused attempt changes nothing: neither key is counted.
                await transaction.RollbackAsync(token).ConfigureAwait(false);
                return refusedUntil - now;
            }
            await db.SaveChangesAsync(token).ConfigureAwait(false);
            await transaction.CommitAsync(token).ConfigureAwait(false);
            return (TimeSpan?)null;
        }, cancellationToken).ConfigureAwait(false);
    }
}
