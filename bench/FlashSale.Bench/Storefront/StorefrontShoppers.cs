using Npgsql;
using Shop.Testing;
using Shop.ServiceDefaults.Identity;

namespace Shop.Bench.Storefront;

/// <summary>
/// Shoppers signed in on the storefront the way a browser signs in: accounts in identitydb, then the sign-in page (GET /signin for the form's antiforgery token and cookie, POST the form), keeping the session
/// cookie the storefront sets. The buys through <c>/bff</c> then carry that cookie, as a browser's do.
/// </summary>
public static class StorefrontShoppers
{
    /// <summary>The bench shoppers' password: their accounts exist only in the bench's own database for the run.</summary>
    private const string BenchPassword = "Bench@shopper1";

    /// <summary>
    /// How many shoppers <paramref name="rate"/> buys/s for <paramref name="duration"/> need so that none of them
    /// is held back by the API's per-buyer token bucket (a burst, then a rate), with half again for the unevenness
    /// of the arrival order.
    /// </summary>
    public static int Needed(double rate, TimeSpan duration, AdmissionSettings admission)
    {
        var perShopper = admission.BuyerBurst + admission.BuyerRequestsPerSecond * duration.TotalSeconds;
        return Math.Max(10, (int)Math.Ceiling(rate * duration.TotalSeconds / perShopper * 1.5));
    }

    public static async Task<BuyerPool> SignInAsync(BenchedShop shop, int count, Action<string> log, CancellationToken cancellationToken)
    {
        var accounts = await CreateAccountsAsync(shop, count, cancellationToken).ConfigureAwait(false);
        log($"signing in {count:N0} shoppers on the storefront (its sign-in form; PBKDF2 on identity-api, two at a time) ...");
        var cookies = new string[accounts.Count];
        // Two at a time: PBKDF2 takes a core each on identity-api.
        await Parallel.ForAsync(0, accounts.Count, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken },
            async (i, token) => cookies[i] = await StorefrontSignIn.SessionCookieAsync(shop.Storefront, accounts[i].UserName, BenchPassword, token).ConfigureAwait(false)).ConfigureAwait(false);
        return BuyerPool.FromSessions([.. accounts.Select(a => a.Id)], cookies);
    }

    /// <summary>
    /// New shopper accounts in identitydb (ASP.NET Core Identity's tables), all with one hash of the bench password
    /// computed here once (a PBKDF2 hash carries its own salt and verifies the same password whatever the account), so
    /// the run hashes no password per account. Production never seeds demo users, and the bench runs in Production.
    /// </summary>
    private static async Task<IReadOnlyList<(string Id, string UserName)>> CreateAccountsAsync(BenchedShop shop, int count, CancellationToken cancellationToken)
    {
        var hash = new Microsoft.AspNetCore.Identity.PasswordHasher<object>().HashPassword(new object(), BenchPassword);
        await using var db = NpgsqlDataSource.Create(await shop.ConnectionStringAsync("identitydb", cancellationToken).ConfigureAwait(false));
        await using var command = db.CreateCommand("""
            WITH created AS (
                INSERT INTO "AspNetUsers" ("Id", "UserName", "NormalizedUserName", "DisplayName", "CreatedAt", "PasswordHash", "SecurityStamp",
                    "ConcurrencyStamp", "EmailConfirmed", "PhoneNumberConfirmed", "TwoFactorEnabled", "LockoutEnabled", "AccessFailedCount")
                SELECT gen_random_uuid(), @prefix || n, upper(@prefix || n), 'Bench shopper ' || n, now(), @hash, md5(random()::text),
                    md5(random()::text), false, false, false, false, 0
                FROM generate_series(1, @count) AS n
                RETURNING "Id", "UserName"),
            roles AS (
                INSERT INTO "AspNetUserRoles" ("UserId", "RoleId")
                SELECT created."Id", role."Id" FROM created, "AspNetRoles" role WHERE role."Name" = @role)
            SELECT "Id", "UserName" FROM created
            """);
        command.Parameters.AddWithValue("prefix", $"bench-{Guid.NewGuid().ToString("N")[..8]}-");
        command.Parameters.AddWithValue("count", count);
        command.Parameters.AddWithValue("hash", hash);
        command.Parameters.AddWithValue("role", ShopRoles.Shopper);
        var accounts = new List<(string, string)>(count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            accounts.Add((reader.GetGuid(0).ToString(), reader.GetString(1)));
        }
        if (accounts.Count != count)
        {
            throw new InvalidOperationException($"Created {accounts.Count} of {count} shopper accounts in identitydb.");
        }
        return accounts;
    }
}
