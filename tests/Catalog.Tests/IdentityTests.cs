using System.Net;
using System.Text;
using System.Text.Json;

namespace Shop.Catalog.Tests;

/// <summary>POST /api/identity/token: seeded users sign in; wrong credentials and bad requests are refused.</summary>
[Collection(CatalogCollection.Name)]
public sealed class IdentityTests(CatalogAppFixture fixture)
{
    [Theory]
    [InlineData("admin", CatalogAppFixture.AdminPassword, "admin")]
    [InlineData("alice", CatalogAppFixture.ShopperPassword, "shopper")]
    [InlineData("bob", CatalogAppFixture.ShopperPassword, "shopper")]
    [InlineData("carol", CatalogAppFixture.ShopperPassword, "shopper")]
    [InlineData("dave", CatalogAppFixture.ShopperPassword, "shopper")]
    [InlineData("ERIN", CatalogAppFixture.ShopperPassword, "shopper")]
    public async Task Seeded_users_get_a_bearer_token_with_their_role(string userName, string password, string role)
    {
        using var response = await fixture.Client.PostAsync("/api/identity/token", Http.Body(new { userName, password }));
        var body = await Http.ReadAsync<JsonElement>(response);

        Assert.Equal("Bearer", body.GetProperty("tokenType").GetString());
        Assert.True(body.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(5));
        var token = body.GetProperty("accessToken").GetString()!;
        var payload = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        var claims = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload))).RootElement;
        Assert.Equal(userName.ToLowerInvariant(), claims.GetProperty("name").GetString());
        Assert.Equal(role, claims.GetProperty("role").GetString());
        Assert.True(Guid.TryParse(claims.GetProperty("sub").GetString(), out _));
    }

    [Fact]
    public async Task The_admin_token_opens_admin_endpoints()
    {
        using var response = await fixture.SendAsync(HttpMethod.Get, "/api/admin/catalog/cache-stats", fixture.AdminToken);
        await Http.ReadAsync<CacheStatsDto>(response);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_user_get_the_same_401()
    {
        using var wrongPassword = await fixture.Client.PostAsync("/api/identity/token", Http.Body(new { userName = "admin", password = "wrong" }));
        using var unknownUser = await fixture.Client.PostAsync("/api/identity/token", Http.Body(new { userName = "mallory", password = "wrong" }));

        var first = await Http.ReadProblemAsync(wrongPassword, HttpStatusCode.Unauthorized);
        var second = await Http.ReadProblemAsync(unknownUser, HttpStatusCode.Unauthorized);
        Assert.Equal(first.GetProperty("detail").GetString(), second.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("{\"userName\":\"admin\"}")]
    [InlineData("{\"password\":\"x\"}")]
    [InlineData("{\"userName\":\"admin\",")]
    [InlineData("{\"userName\":42,\"password\":\"x\"}")]
    [InlineData("[]")]
    [InlineData("{\"userName\":\"ad\\u0000min\",\"password\":\"x\"}")]
    public async Task Malformed_sign_ins_get_400(string json)
    {
        using var response = await fixture.Client.PostAsync("/api/identity/token", Http.RawJson(json));
        await Http.ReadProblemAsync(response, HttpStatusCode.BadRequest);
    }
}
