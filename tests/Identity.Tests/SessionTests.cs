using System.Net;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Shop.ServiceDefaults.Identity;

namespace Shop.Identity.Tests;

/// <summary>The storefront's sessions: refresh tokens that renew access tokens until revoked, or until the account changes.</summary>
[Collection(IdentityCollection.Name)]
public sealed class SessionTests(IdentityAppFixture fixture)
{
    [Fact]
    public async Task A_session_gets_each_apis_token_on_any_replica_until_it_is_revoked_then_its_refresh_token_is_refused()
    {
        var session = await StorefrontSessionAsync("erin", IdentityAppFixture.ShopperPassword);

        foreach (var audience in ShopAudiences.All)
        {
            using var refreshed = await fixture.RefreshAsync(session, replica: 1, scope: ShopAudiences.ScopeOf(audience));
            var accessToken = (await IdentityAppFixture.ReadJsonAsync(refreshed, HttpStatusCode.OK)).GetProperty("access_token").GetString();
            var result = await new JsonWebTokenHandler().ValidateTokenAsync(accessToken, IdentityAppFixture.ApiValidation(audience));
            Assert.True(result.IsValid, $"{audience}: {result.Exception?.Message}");
            Assert.Equal("erin", ((JsonWebToken)result.SecurityToken).GetClaim("name").Value);
        }

        using var revoked = await fixture.RevokeAsync(session);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);

        using var refused = await fixture.RefreshAsync(session, replica: 1);
        var error = await IdentityAppFixture.ReadJsonAsync(refused, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_password_change_ends_the_accounts_sessions()
    {
        var session = await StorefrontSessionAsync("carol", IdentityAppFixture.ShopperPassword);

        // What a password reset does to the account (the seeder sets a changed seed password the same way).
        await using (var command = fixture.Database.CreateCommand("""UPDATE "AspNetUsers" SET "SecurityStamp" = md5(random()::text) WHERE "NormalizedUserName" = 'CAROL'"""))
        {
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        using var refused = await fixture.RefreshAsync(session);
        var error = await IdentityAppFixture.ReadJsonAsync(refused, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());
        Assert.Contains("sign in again", error.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task An_admins_session_ends_sooner_than_a_shoppers()
    {
        await StorefrontSessionAsync("admin", IdentityAppFixture.AdminPassword);
        await StorefrontSessionAsync("dave", IdentityAppFixture.ShopperPassword, clientAddress: "198.51.100.2");

        var admin = await LatestRefreshTokenLifetimeAsync("ADMIN");
        var shopper = await LatestRefreshTokenLifetimeAsync("DAVE");

        Assert.Equal(TimeSpan.FromHours(1), admin);
        Assert.Equal(TimeSpan.FromHours(8), shopper);
    }

    private async Task<string> StorefrontSessionAsync(string userName, string password, string clientAddress = "198.51.100.1")
    {
        using var response = await fixture.StorefrontSignInAsync(userName, password, clientAddress);
        var body = await IdentityAppFixture.ReadJsonAsync(response, HttpStatusCode.OK);
        return body.GetProperty("refresh_token").GetString()!;
    }

    /// <summary>How long the account's newest refresh token was issued for, as OpenIddict stored it.</summary>
    private async Task<TimeSpan> LatestRefreshTokenLifetimeAsync(string normalizedUserName)
    {
        await using var command = fixture.Database.CreateCommand("""
            SELECT t."ExpirationDate" - t."CreationDate"
            FROM "OpenIddictTokens" t JOIN "AspNetUsers" u ON t."Subject" = u."Id"::text
            WHERE u."NormalizedUserName" = $1 AND t."Type" = 'urn:ietf:params:oauth:token-type:refresh_token'
            ORDER BY t."CreationDate" DESC LIMIT 1
            """);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = normalizedUserName });
        var lifetime = (TimeSpan)(await command.ExecuteScalarAsync() ?? throw new Xunit.Sdk.XunitException($"{normalizedUserName} has no refresh token"));
        return TimeSpan.FromMinutes(Math.Round(lifetime.TotalMinutes));
    }
}
