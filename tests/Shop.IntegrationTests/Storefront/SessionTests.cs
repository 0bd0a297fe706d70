using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Shop.ServiceDefaults.Identity;
using StackExchange.Redis;

namespace Shop.IntegrationTests.Storefront;

/// <summary>
/// The storefront's sessions over plain HTTP, as a browser holds them: signed in server-to-server at identity-api,
/// kept server-side in the gate's Redis, ended for good at sign-out (the refresh token revoked, the session deleted,
/// the old cookie worth nothing); and each API accepting only tokens meant for it.
/// </summary>
[Collection(ShopAppCollection.Name)]
public sealed class SessionTests(ShopAppFixture fixture)
{
    private const string SessionKeys = "storefront:session:*";

    [Fact]
    public async Task Sign_out_revokes_the_refresh_token_and_deletes_the_session_so_the_old_cookie_is_anonymous()
    {
        var redis = await GateAsync();
        var before = SessionKeysIn(redis);
        var cookie = await StorefrontSignIn.SessionCookieAsync(fixture.Store, "bob", ShopAppFixture.ShopperPassword);
        var sessionKey = Assert.Single(SessionKeysIn(redis).Except(before));
        var ticket = TicketSerializer.Default.Deserialize((byte[])(await redis.GetDatabase().StringGetAsync(sessionKey))!)!;
        var refreshToken = ticket.Properties.GetTokenValue("refresh_token")!;
        Assert.True(await MeAsync(cookie), "signed in after the form");
        Assert.DoesNotContain(refreshToken, cookie, StringComparison.Ordinal);

        using var signOut = new HttpRequestMessage(HttpMethod.Post, "/bff/signout");
        signOut.Headers.Add("Cookie", cookie);
        signOut.Headers.Add("X-Shop-Client", "1");
        using var signedOut = await Storefront().SendAsync(signOut);
        Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);

        Assert.False(await redis.GetDatabase().KeyExistsAsync(sessionKey), "the session is deleted server-side");
        Assert.False(await MeAsync(cookie), "the old cookie finds no session");
        using var refresh = await RefreshAtIdentityAsync(refreshToken);
        Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
        Assert.Equal("invalid_grant", JsonDocument.Parse(await refresh.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_storefront_restart_keeps_shoppers_signed_in_with_the_key_ring_in_the_gate()
    {
        var cookie = await StorefrontSignIn.SessionCookieAsync(fixture.Store, "dave", ShopAppFixture.ShopperPassword);
        Assert.True(await MeAsync(cookie), "signed in after the form");

        await fixture.Shop.RestartAsync("webfrontend");

        Assert.True(await MeAsync(cookie), "still signed in after the storefront restarted");
        // The keys that read the cookie came from the gate, not from the process's own folder (gone with a container).
        var redis = await GateAsync();
        Assert.Contains("<key ", (string?)await redis.GetDatabase().ListGetByIndexAsync(Shop.Web.Identity.ShopperSession.DataProtectionKeysKey, 0) ?? "");
    }

    [Fact]
    public async Task The_key_ring_in_the_gate_is_encrypted_with_the_keyring_certificate()
    {
        // A sign-in makes sure a key exists (the cookie is protected with it).
        var cookie = await StorefrontSignIn.SessionCookieAsync(fixture.Store, "erin", ShopAppFixture.ShopperPassword);
        Assert.True(await MeAsync(cookie), "signed in after the form");

        var redis = await GateAsync();
        var keys = (await redis.GetDatabase().ListRangeAsync(Shop.Web.Identity.ShopperSession.DataProtectionKeysKey)).Select(k => (string)k!).ToList();
        Assert.NotEmpty(keys);
        foreach (var key in keys)
        {
            // ASP.NET Core's XML encryption: the descriptor's master key only inside <encryptedSecret><EncryptedData>,
            // never as a plain <masterKey><value> (what an unprotected key ring stores, with a warning comment).
            Assert.Contains("<encryptedSecret ", key, StringComparison.Ordinal);
            Assert.Contains("<EncryptedData ", key, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", key, StringComparison.Ordinal);
            Assert.DoesNotContain("unencrypted form", key, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Each_api_accepts_only_the_tokens_identity_api_signed_for_it()
    {
        // The admin's token for each API, each signed with that API's key: accepted there, refused by the other two.
        var calls = new Dictionary<string, (string Service, string Path)>
        {
            [ShopAudiences.CatalogApi] = ("catalog-api", "/api/admin/catalog/cache-stats"),
            [ShopAudiences.OrderingApi] = ("ordering-api", "/api/orders"),
            [ShopAudiences.BasketApi] = ("basket-api", "/api/basket"),
        };
        foreach (var tokenFor in calls.Keys)
        {
            var token = await fixture.SignInAsync("admin", ShopAppFixture.AdminPassword, tokenFor);
            foreach (var (audience, (service, path)) in calls)
            {
                using var api = fixture.App.CreateHttpClient(service);
                using var answer = await api.SendAsync(ShopAppFixture.Authorized(HttpMethod.Get, path, token));
                Assert.True((audience == tokenFor ? HttpStatusCode.OK : HttpStatusCode.Unauthorized) == answer.StatusCode,
                    $"{service} answered {(int)answer.StatusCode} to a token for {tokenFor}");
            }
        }
    }

    private HttpClient Storefront() =>
        new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = fixture.Store };

    private async Task<IConnectionMultiplexer> GateAsync() =>
        await ConnectionMultiplexer.ConnectAsync((await fixture.App.GetConnectionStringAsync("gate"))! + ",allowAdmin=true");

    private static List<RedisKey> SessionKeysIn(IConnectionMultiplexer redis) =>
        [.. redis.GetServers().Single().Keys(pattern: SessionKeys)];

    private async Task<bool> MeAsync(string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/bff/me");
        request.Headers.Add("Cookie", cookie);
        using var response = await Storefront().SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("signedIn").GetBoolean();
    }

    private async Task<HttpResponseMessage> RefreshAtIdentityAsync(string refreshToken)
    {
        var secret = fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .OfType<ParameterResource>().Single(p => p.Name == "storefront-client-secret");
        using var identity = new HttpClient { BaseAddress = fixture.App.GetEndpoint("identity-api", "http") };
        return await identity.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = "storefront",
            ["client_secret"] = (await secret.GetValueAsync(CancellationToken.None))!,
            ["refresh_token"] = refreshToken,
        }));
    }
}
