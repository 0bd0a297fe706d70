using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Shop.ServiceDefaults.Identity;

namespace Shop.ServiceDefaults.Tests;

/// <summary>Bearer tokens: issued by ShopTokenIssuer, checked by the shared handler on a real Kestrel server.</summary>
public sealed class AuthenticationTests
{
    private const string Key = "a-test-signing-key-of-some-length";

    [Fact]
    public async Task A_valid_token_identifies_the_user_and_their_roles()
    {
        await using var server = await StartAsync();
        using var client = Client(server, Issue(server, "u-42", "alice", ShopRoles.Shopper));

        var me = JsonDocument.Parse(await client.GetStringAsync("/me")).RootElement;

        Assert.Equal("u-42", me.GetProperty("id").GetString());
        Assert.Equal("alice", me.GetProperty("name").GetString());
        Assert.False(me.GetProperty("admin").GetBoolean());
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
    [InlineData("expired")]
    [InlineData("other-audience")]
    [InlineData("garbage")]
    public async Task A_bad_token_is_401(string kind)
    {
        await using var server = await StartAsync();
        var good = Issue(server, "u-1", "bob", ShopRoles.Shopper);
        var token = kind switch
        {
            "tampered" => good[..^4] + (good[^4] == 'A' ? "BBBB" : "AAAA"),
            "other-key" => IssueWith(new ShopTokenOptions { SigningKey = "another-signing-key-entirely" }),
            "expired" => IssueWith(new ShopTokenOptions { SigningKey = Key, TokenLifetime = TimeSpan.FromMinutes(-5) }),
            "other-audience" => IssueWith(new ShopTokenOptions { SigningKey = Key, Audience = "someone-else" }),
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
        using var shopper = Client(server, Issue(server, "u-1", "bob", ShopRoles.Shopper));
        using var admin = Client(server, Issue(server, "u-0", "admin", ShopRoles.Admin, ShopRoles.Shopper));

        using var refused = await shopper.GetAsync("/admin");
        using var admitted = await admin.GetAsync("/admin");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
    }

    [Fact]
    public async Task A_missing_or_short_signing_key_stops_the_service_at_startup()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(signingKey: "short"));
        Assert.Contains("SigningKey", error.Message);
    }

    private static Task<TestServer> StartAsync(string signingKey = Key) => TestServer.StartAsync(
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
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Identity:SigningKey"] = signingKey });
            builder.AddDefaultAuthentication();
        });

    private static string Issue(TestServer server, string id, string name, params string[] roles) =>
        server.Services.GetRequiredService<ShopTokenIssuer>().Issue(id, name, roles).AccessToken;

    private static string IssueWith(ShopTokenOptions options) =>
        new ShopTokenIssuer(Options.Create(options), TimeProvider.System).Issue("u-9", "eve", [ShopRoles.Admin]).AccessToken;

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
