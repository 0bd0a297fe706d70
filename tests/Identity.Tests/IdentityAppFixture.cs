using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using Shop.ServiceDefaults.Identity;

namespace Shop.Identity.Tests;

/// <summary>
/// identity-api of the real composition with its real servers (Postgres with identitydb, the migrations resource that
/// seeds the demo users and the OAuth clients), in two replicas, started once for the <see cref="IdentityCollection"/>.
/// The throttle is set tighter than the default and access tokens short, so the tests can wait them out.
/// </summary>
public sealed class IdentityAppFixture : IAsyncLifetime
{
    public const string ShopperPassword = "Pass@word1";
    public const string AdminPassword = "Admin@word1";
    public const string StorefrontSecret = "identity-tests-storefront-secret";
    public const int AccountFreeAttempts = 5;
    public const int ClientFreeAttempts = 12;
    // Longer than a password check takes on a busy CI machine (a lock set before an attempt's check must outlast it).
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromSeconds(15);

    /// <summary>Each API's signing secret, given to identity-api as the AppHost's parameters <c>{api}-token-key</c>.</summary>
    public static IReadOnlyDictionary<string, string> ApiSecrets { get; } =
        ShopAudiences.All.ToDictionary(audience => audience, _ => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));

    public ShopApp Shop { get; private set; } = null!;

    /// <summary>Each replica's own address (not DCP's round-robin proxy).</summary>
    public IReadOnlyList<Uri> Replicas { get; private set; } = [];

    public NpgsqlDataSource Database { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Shop = await ShopApp.StartAsync(
            only: ["identity-api"],
            configure: builder =>
            {
                var identity = builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "identity-api"));
                identity.WithReplicas(2)
                    .WithEnvironment("Identity__Throttle__AccountFreeAttempts", AccountFreeAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .WithEnvironment("Identity__Throttle__ClientFreeAttempts", ClientFreeAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .WithEnvironment("Identity__Throttle__FirstDelay", FirstDelay.ToString())
                    .WithEnvironment("Identity__Tokens__AccessToken", AccessTokenLifetime.ToString());
            },
            configuration: new Dictionary<string, string?>(ApiSecrets.Select(pair => KeyValuePair.Create($"Parameters:{pair.Key}-token-key", (string?)pair.Value)))
            {
                ["Parameters:storefront-client-secret"] = StorefrontSecret,
            });
        Replicas = [.. Shop.States.Running("identity-api").Select(i => i.HttpAddress)];
        Database = NpgsqlDataSource.Create(await Shop.App.GetConnectionStringAsync("identitydb") ?? throw new InvalidOperationException("identitydb has no connection string"));
    }

    public async Task DisposeAsync()
    {
        if (Database is not null)
        {
            await Database.DisposeAsync();
        }
        if (Shop is not null)
        {
            await Shop.DisposeAsync();
        }
    }

    /// <summary>POST /connect/token on one replica (the first unless said otherwise).</summary>
    public async Task<HttpResponseMessage> TokenAsync(Dictionary<string, string> form, int replica = 0)
    {
        using var http = new HttpClient { BaseAddress = Replicas[replica] };
        return await http.PostAsync("/connect/token", new FormUrlEncodedContent(form));
    }

    /// <summary>The password grant of the public client <c>shop-cli</c> (scripts and tests), for one API's scope (ordering's unless said otherwise).</summary>
    public Task<HttpResponseMessage> SignInAsync(string userName, string password, int replica = 0, string scope = ShopAudiences.OrderingScope, string? resource = null)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "password", ["client_id"] = "shop-cli", ["username"] = userName, ["password"] = password, ["scope"] = scope };
        if (resource is not null)
        {
            form["resource"] = resource;
        }
        return TokenAsync(form, replica);
    }

    /// <summary>The password grant of the confidential client <c>storefront</c>, with the shopper's address and a session.</summary>
    public Task<HttpResponseMessage> StorefrontSignInAsync(string userName, string password, string clientAddress = "198.51.100.1", int replica = 0) =>
        TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = "storefront",
            ["client_secret"] = StorefrontSecret,
            ["username"] = userName,
            ["password"] = password,
            ["client_address"] = clientAddress,
            ["scope"] = "catalog basket ordering offline_access",
            ["resource"] = ShopAudiences.ResourceOf(ShopAudiences.OrderingApi),
        }, replica);

    /// <summary>The refresh-token grant of the storefront, for one API's token (as the storefront asks for each).</summary>
    public Task<HttpResponseMessage> RefreshAsync(string refreshToken, int replica = 0, string scope = ShopAudiences.OrderingScope) =>
        TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = "storefront",
            ["client_secret"] = StorefrontSecret,
            ["refresh_token"] = refreshToken,
            ["scope"] = scope,
        }, replica);

    public async Task<HttpResponseMessage> RevokeAsync(string refreshToken, int replica = 0)
    {
        using var http = new HttpClient { BaseAddress = Replicas[replica] };
        return await http.PostAsync("/connect/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = "storefront",
            ["client_secret"] = StorefrontSecret,
            ["token"] = refreshToken,
            ["token_type_hint"] = "refresh_token",
        }));
    }

    /// <summary>How the API <paramref name="audience"/> checks its tokens: its own key, its own audience.</summary>
    public static TokenValidationParameters ApiValidation(string audience, string? keyOf = null) => new()
    {
        ValidIssuer = "http://identity-api/",
        ValidAudience = audience,
        IssuerSigningKey = ApiSigningKeys.FromSecret(ApiSecrets[keyOf ?? audience], keyOf ?? audience),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = TimeSpan.Zero,
    };

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, System.Net.HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}

[CollectionDefinition(Name)]
public sealed class IdentityCollection : ICollectionFixture<IdentityAppFixture>
{
    public const string Name = "identity-api";
}
