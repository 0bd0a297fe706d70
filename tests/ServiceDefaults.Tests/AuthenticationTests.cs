using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Shop.ServiceDefaults.Identity;
using Shop.Testing.Tokens;

namespace Shop.ServiceDefaults.Tests;

/// <summary>
/// Bearer tokens checked by the shared handler on a real Kestrel server: tokens signed with the API's own key (as
/// identity-api signs them), and the tests' own key. Nothing is read from identity-api: no issuer runs here.
/// </summary>
public sealed class AuthenticationTests
{
    private const string Audience = ShopAudiences.OrderingApi;
    private const string Issuer = "http://identity-api/";
    private static readonly string ApiKey = TestTokenIssuer.NewKey();
    private static readonly string TestKey = TestTokenIssuer.NewKey();

    [Fact]
    public async Task A_token_signed_with_the_apis_own_key_identifies_the_user_and_their_roles()
    {
        await using var server = await StartAsync();
        using var client = Client(server, Hs256(ApiKey, Audience, "u-42", [ShopRoles.Shopper]));

        var me = JsonDocument.Parse(await client.GetStringAsync("/me")).RootElement;

        Assert.Equal("u-42", me.GetProperty("id").GetString());
        Assert.Equal("u-42", me.GetProperty("name").GetString());
        Assert.False(me.GetProperty("admin").GetBoolean());
    }

    [Fact]
    public async Task A_test_key_token_passes_where_the_composition_gives_the_test_key()
    {
        await using var server = await StartAsync();
        using var client = Client(server, new TestTokenIssuer(TestKey).Issue("u-7", "alice", [ShopRoles.Admin, ShopRoles.Shopper]).AccessToken);

        var me = JsonDocument.Parse(await client.GetStringAsync("/me")).RootElement;

        Assert.Equal("alice", me.GetProperty("name").GetString());
        Assert.True(me.GetProperty("admin").GetBoolean());
    }

    [Fact]
    public async Task No_token_is_401_problem_json_with_a_bearer_challenge()
    {
        await using var server = await StartAsync();
        using var client = Client(server, token: null);

        using var response = await client.GetAsync("/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Authorization: Bearer", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("tampered")]
    [InlineData("other-key")]
    [InlineData("another-apis-key")]
    [InlineData("expired")]
    [InlineData("for-another-api")]
    [InlineData("other-issuer")]
    [InlineData("rs256-without-an-rsa-key")]
    [InlineData("garbage")]
    public async Task A_bad_token_is_401(string kind)
    {
        await using var server = await StartAsync();
        var good = Hs256(ApiKey, Audience, "u-1", [ShopRoles.Shopper]);
        var token = kind switch
        {
            "tampered" => good[..^4] + (good[^4] == 'A' ? "BBBB" : "AAAA"),
            "other-key" => Hs256(TestTokenIssuer.NewKey(), Audience, "u-9", [ShopRoles.Admin]),
            // catalog-api's key, as identity-api signs catalog-api's tokens, naming this API: catalog-api cannot mint ours.
            "another-apis-key" => Hs256(TestTokenIssuer.NewKey(), Audience, "u-9", [ShopRoles.Admin], keyId: ShopAudiences.CatalogApi),
            "expired" => Hs256(ApiKey, Audience, "u-9", [ShopRoles.Admin], lifetime: TimeSpan.FromMinutes(-5)),
            "for-another-api" => Hs256(ApiKey, ShopAudiences.CatalogApi, "u-9", [ShopRoles.Admin]),
            "other-issuer" => Hs256(ApiKey, Audience, "u-9", [ShopRoles.Admin], issuer: "http://someone-else/"),
            "rs256-without-an-rsa-key" => new TestTokenIssuer(TestTokenIssuer.NewRsaKey()).Issue("u-9", "eve", [ShopRoles.Admin]).AccessToken,
            _ => "not.a.token",
        };
        using var client = Client(server, token);

        using var response = await client.GetAsync("/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid or expired", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_admin_policy_refuses_a_shopper_with_403_and_admits_an_admin()
    {
        await using var server = await StartAsync();
        using var shopper = Client(server, Hs256(ApiKey, Audience, "u-1", [ShopRoles.Shopper]));
        using var admin = Client(server, Hs256(ApiKey, Audience, "u-0", [ShopRoles.Admin, ShopRoles.Shopper]));

        using var refused = await shopper.GetAsync("/admin");
        using var admitted = await admin.GetAsync("/admin");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
    }

    [Fact]
    public async Task An_rsa_test_key_admits_rs256_tokens_signed_with_its_private_half()
    {
        var rsaKey = TestTokenIssuer.NewRsaKey();
        await using var server = await StartAsync(ApiKey, TestTokenIssuer.ServiceSetting(rsaKey));
        using var client = Client(server, new TestTokenIssuer(rsaKey).Issue("u-5", "rsa-buyer", [ShopRoles.Shopper]).AccessToken);

        Assert.Equal("rsa-buyer", JsonDocument.Parse(await client.GetStringAsync("/me")).RootElement.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData(null, null, "SigningKey is required")]
    [InlineData("short", null, "SigningKey must have at least 32")]
    [InlineData(null, "short", "TestSigningKey")]
    public async Task A_missing_or_malformed_key_stops_the_service_at_startup(string? apiKey, string? testKey, string message)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(apiKey, testKey));
        Assert.Contains(message, error.Message);
    }

    private static Task<TestServer> StartAsync() => StartAsync(ApiKey, TestKey);

    private static Task<TestServer> StartAsync(string? apiKey, string? testKey) => TestServer.StartAsync(
        app =>
        {
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapGet("/me", (ClaimsPrincipal user) => TypedResults.Ok(new
            {
                id = user.FindFirstValue(ShopClaimTypes.UserId),
                name = user.Identity?.Name,
                admin = user.IsInRole(ShopRoles.Admin),
            })).RequireAuthorization();
            app.MapGet("/admin", () => TypedResults.Ok()).RequireAuthorization(ShopRoles.AdminPolicy);
        },
        builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Identity:Issuer"] = Issuer,
                ["Identity:SigningKey"] = apiKey,
                ["Identity:TestSigningKey"] = testKey,
            });
            builder.AddDefaultAuthentication(Audience);
        });

    /// <summary>A token as identity-api signs an API's: HS256 with the API's secret, the API's name as <c>kid</c>.</summary>
    private static string Hs256(string secret, string audience, string userId, string[] roles,
        string? keyId = null, TimeSpan? lifetime = null, string issuer = Issuer)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(5));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = expires < now ? expires.AddMinutes(-1) : now,
            NotBefore = expires < now ? expires.AddMinutes(-1) : now,
            Expires = expires,
            Claims = new Dictionary<string, object> { ["sub"] = userId, ["name"] = userId, ["role"] = roles },
            SigningCredentials = new SigningCredentials(ApiSigningKeys.FromSecret(secret, keyId ?? Audience), SecurityAlgorithms.HmacSha256),
        });
    }

    private static HttpClient Client(TestServer server, string? token)
    {
        var client = new HttpClient { BaseAddress = server.Url };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }
}
