using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Npgsql;
using Shop.Testing;

namespace Shop.IntegrationTests;

/// <summary>
/// The whole Shop composition (the real AppHost Program.cs), started once for the collection and healthy: the tests
/// of what crosses services share it. Clients of the catalog and of ordering, catalogdb, and signed-in users.
/// </summary>
public sealed class ShopAppFixture : IAsyncLifetime
{
    public const string AdminPassword = "Admin@word1";
    public const string ShopperPassword = "Pass@word1";

    public ShopApp Shop { get; private set; } = null!;

    public DistributedApplication App => Shop.App;

    /// <summary>catalog-api (anonymous unless a request carries a token).</summary>
    public HttpClient Catalog { get; private set; } = null!;

    /// <summary>ordering-api, through DCP's proxy in front of both replicas.</summary>
    public HttpClient Ordering { get; private set; } = null!;

    public NpgsqlDataSource CatalogDb { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Shop = await ShopApp.StartAsync();
        Catalog = App.CreateHttpClient("catalog-api");
        Ordering = App.CreateHttpClient("ordering-api");
        CatalogDb = NpgsqlDataSource.Create(await App.GetConnectionStringAsync("catalogdb") ?? throw new InvalidOperationException("catalogdb has no connection string"));
    }

    public async Task DisposeAsync()
    {
        Catalog?.Dispose();
        Ordering?.Dispose();
        if (CatalogDb is not null)
        {
            await CatalogDb.DisposeAsync();
        }
        if (Shop is not null)
        {
            await Shop.DisposeAsync();
        }
    }

    /// <summary>A demo user's access token, from the catalog's token endpoint.</summary>
    public async Task<string> SignInAsync(string userName, string password)
    {
        using var response = await Catalog.PostAsJsonAsync("/api/identity/token", new { userName, password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    public static HttpRequestMessage Authorized(HttpMethod method, string path, string token, object? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }
}

/// <summary>The tests of this project share one running shop.</summary>
[CollectionDefinition(Name)]
public sealed class ShopAppCollection : ICollectionFixture<ShopAppFixture>
{
    public const string Name = "shop";
}
