using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
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
/// Bearer tokens checked by the shared handler on a real Kestrel server: tokens of an issuer whose keys are read from
/// its published metadata (a second real server here, identity-api in the app), and the tests' own key.
/// </summary>
public sealed class AuthenticationTests
{
    private const string Audience = ShopAudiences.OrderingApi;
    private static readonly string Key = TestTokenIssuer.NewKey();

    [Fact]
    public async Task A_test_key_token_identifies_the_user_and_their_roles_even_while_the_issuer_is_unreachable()
    {
        var issuer = Unreachable();
        await using var server = await StartAsync(issuer);
        using var client = Client(server, new TestTokenIssuer(Key) { Issuer = issuer.AbsoluteUri }.Issue("u-42", "alice", [ShopRoles.Shopper]).AccessToken);

        var me = JsonDocument.Parse(await client.GetStringAsync("/me")).RootElement;

        Assert.Equal("u-42", me.GetProperty("id").GetString());
        Assert.Equal("alice", me.GetProperty("name").GetString());
        Assert.False(me.GetProperty("admin").GetBoolean());
    }

    [Fact]
    public async Task No_token_is_401_problem_json_with_a_bearer_challenge()
    {
        await using var server = await StartAsync(issuer: Unreachable());
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
    [InlineData("expired")]
    [InlineData("for-another-api")]
    [InlineData("other-issuer")]
    [InlineData("garbage")]
    public async Task A_bad_token_is_401(string kind)
    {
        var issuer = Unreachable();
        await using var server = await StartAsync(issuer);
        var tokens = new TestTokenIssuer(Key) { Issuer = issuer.AbsoluteUri };
        var good = tokens.Issue("u-1", "bob", [ShopRoles.Shopper]).AccessToken;
        var token = kind switch
        {
            "tampered" => good[..^4] + (good[^4] == 'A' ? "BBBB" : "AAAA"),
            "other-key" => new TestTokenIssuer(TestTokenIssuer.NewKey()) { Issuer = issuer.AbsoluteUri }.Issue("u-9", "eve", [ShopRoles.Admin]).AccessToken,
            "expired" => new TestTokenIssuer(Key) { Issuer = issuer.AbsoluteUri, Lifetime = TimeSpan.FromMinutes(-5) }.Issue("u-9", "eve", [ShopRoles.Admin]).AccessToken,
            "for-another-api" => new TestTokenIssuer(Key) { Issuer = issuer.AbsoluteUri, Audiences = [ShopAudiences.CatalogApi] }.Issue("u-9", "eve", [ShopRoles.Admin]).AccessToken,
            "other-issuer" => new TestTokenIssuer(Key) { Issuer = "http://someone-else/" }.Issue("u-9", "eve", [ShopRoles.Admin]).AccessToken,
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
        var issuer = Unreachable();
        await using var server = await StartAsync(issuer);
        var tokens = new TestTokenIssuer(Key) { Issuer = issuer.AbsoluteUri };
        using var shopper = Client(server, tokens.Issue("u-1", "bob", [ShopRoles.Shopper]).AccessToken);
        using var admin = Client(server, tokens.Issue("u-0", "admin", [ShopRoles.Admin, ShopRoles.Shopper]).AccessToken);

        using var refused = await shopper.GetAsync("/admin");
        using var admitted = await admin.GetAsync("/admin");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
    }

    [Fact]
    public async Task Tokens_signed_with_the_issuers_published_key_pass_and_others_signed_by_another_rsa_key_do_not()
    {
        using var rsa = RSA.Create(2048);
        await using var issuer = await StartIssuerAsync(rsa);
        await using var server = await StartAsync(issuer.Url, testKey: null);

        using var signed = Client(server, Rs256(rsa, issuer.Url, "u-7", Audience));
        using var otherKey = Client(server, Rs256(RSA.Create(2048), issuer.Url, "u-7", Audience));
        using var otherApi = Client(server, Rs256(rsa, issuer.Url, "u-7", ShopAudiences.BasketApi));

        Assert.Equal("u-7", JsonDocument.Parse(await signed.GetStringAsync("/me")).RootElement.GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await otherKey.GetAsync("/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await otherApi.GetAsync("/me")).StatusCode);
    }

    [Fact]
    public async Task An_api_started_before_its_issuer_accepts_the_issuers_tokens_once_the_issuer_is_up()
    {
        var port = TestServer.ClosedPort();
        var issuerUrl = new Uri($"http://127.0.0.1:{port}/");
        using var rsa = RSA.Create(2048);
        await using var server = await StartAsync(issuerUrl, testKey: null, retry: TimeSpan.FromMilliseconds(500));
        using var client = Client(server, Rs256(rsa, issuerUrl, "u-8", Audience));

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/me")).StatusCode);

        await using var issuer = await StartIssuerAsync(rsa, port);
        var accepted = false;
        for (var attempt = 0; attempt < 40 && !accepted; attempt++)
        {
            accepted = (await client.GetAsync("/me")).StatusCode == HttpStatusCode.OK;
            if (!accepted)
            {
                await Task.Delay(250);
            }
        }
        Assert.True(accepted, "The API never read the issuer's keys after the issuer came up.");
    }

    [Fact]
    public async Task A_malformed_test_key_stops_the_service_at_startup()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(Unreachable(), testKey: "short"));
        Assert.Contains("TestSigningKey", error.Message);
    }

    private static Uri Unreachable() => new($"http://127.0.0.1:{TestServer.ClosedPort()}/");

    private static Task<TestServer> StartAsync(Uri issuer, string? testKey = "", TimeSpan? retry = null) => TestServer.StartAsync(
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
                ["Identity:Issuer"] = issuer.AbsoluteUri,
                ["Identity:TestSigningKey"] = testKey == "" ? Key : testKey,
                ["Identity:MetadataRetryInterval"] = (retry ?? TimeSpan.FromSeconds(5)).ToString(),
            });
            builder.AddDefaultAuthentication(Audience);
        });

    /// <summary>An issuer's metadata and published key, served the way identity-api (OpenIddict) serves them.</summary>
    private static Task<TestServer> StartIssuerAsync(RSA rsa, int? port = null) => TestServer.StartAsync(
        app =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)) { KeyId = KeyId(rsa) });
            app.MapGet("/.well-known/openid-configuration", (HttpContext http) =>
            {
                var issuer = $"{http.Request.Scheme}://{http.Request.Host}/";
                return TypedResults.Json(new Dictionary<string, object> { ["issuer"] = issuer, ["jwks_uri"] = issuer + ".well-known/jwks" });
            });
            app.MapGet("/.well-known/jwks", () => TypedResults.Json(new
            {
                keys = new[] { new { kty = jwk.Kty, use = "sig", kid = jwk.Kid, alg = "RS256", n = jwk.N, e = jwk.E } },
            }));
        },
        port: port);

    private static string Rs256(RSA rsa, Uri issuer, string userId, string audience) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer.AbsoluteUri,
            Audience = audience,
            Expires = DateTime.UtcNow.AddMinutes(5),
            Claims = new Dictionary<string, object> { ["sub"] = userId, ["name"] = userId, ["role"] = ShopRoles.Shopper },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = KeyId(rsa) }, SecurityAlgorithms.RsaSha256),
        });

    private static string KeyId(RSA rsa) => Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))[..16];

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
