using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Shop.ServiceDefaults.Identity;
using Shop.Testing;

namespace Shop.Catalog.Tests;

/// <summary>
/// catalog-api of the real composition (the AppHost's Program.cs) with its real servers (cache, catalogdb,
/// messaging), started once and shared by every test class of the <see cref="CatalogCollection"/>: an HTTP client
/// for catalog-api, catalogdb, tokens.
/// </summary>
public sealed class CatalogAppFixture : IAsyncLifetime
{
    /// <summary>The running composition: its resources, states, logs and fault injection.</summary>
    public ShopApp Shop { get; private set; } = null!;

    public DistributedApplication App => Shop.App;

    /// <summary>Anonymous client of catalog-api.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>catalogdb, to compare what the API says with what the database holds.</summary>
    public NpgsqlDataSource Database { get; private set; } = null!;

    public string AdminToken { get; private set; } = "";

    public string ShopperToken { get; private set; } = "";

    public async Task InitializeAsync()
    {
        // catalog-api and its servers; not Ordering (whose stock figures the catalog shows: Shop.IntegrationTests), the
        // basket or the storefront.
        Shop = await ShopApp.StartAsync(only: ["catalog-api"]);
        Client = App.CreateHttpClient("catalog-api");
        Database = NpgsqlDataSource.Create(await ConnectionStringAsync("catalogdb"));
        // Tokens signed with the test app's own key (identity-api, which signs real ones, is not started here).
        AdminToken = Shop.Tokens.For("catalog-tests-admin", ShopRoles.Admin);
        ShopperToken = Shop.Tokens.For("catalog-tests-shopper");
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (Database is not null)
        {
            await Database.DisposeAsync();
        }
        if (Shop is not null)
        {
            await Shop.DisposeAsync();
        }
    }

    /// <summary>The connection string Aspire gives the services for a resource (catalogdb, cache, messaging).</summary>
    public async Task<string> ConnectionStringAsync(string resourceName) =>
        await App.GetConnectionStringAsync(resourceName) ?? throw new InvalidOperationException($"{resourceName} has no connection string");

    /// <summary>A request with a bearer token (or none when <paramref name="token"/> is null).</summary>
    public static HttpRequestMessage Request(HttpMethod method, string uri, string? token, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, uri) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return request;
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string uri, string? token, HttpContent? content = null) =>
        Client.SendAsync(Request(method, uri, token, content));

    public Task<HttpResponseMessage> AdminSendAsync(HttpMethod method, string uri, object? body = null) =>
        SendAsync(method, uri, AdminToken, body is null ? null : JsonContent.Create(body));

    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = Database.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A fingerprint of everything an API call could write: items, sales, outbox.</summary>
    public Task<string> FingerprintAsync() => ScalarAsync<string>("""
        SELECT md5(
          coalesce((SELECT string_agg(concat_ws('|', id, name, description, price, category_id, available_stock, version, stock_version, updated_at), ',' ORDER BY id) FROM catalog_items), '') ||
          coalesce((SELECT string_agg(concat_ws('|', id, item_id, sale_price, quantity, per_buyer_limit, starts_at, ends_at, state, version), ',' ORDER BY id) FROM flash_sales), '') ||
          coalesce((SELECT string_agg(id::text, ',' ORDER BY id) FROM outbox_messages), '') ||
          (SELECT count(*) FROM catalog_categories)::text)
        """);
}

[CollectionDefinition(Name)]
public sealed class CatalogCollection : ICollectionFixture<CatalogAppFixture>
{
    public const string Name = "catalog app";
}
