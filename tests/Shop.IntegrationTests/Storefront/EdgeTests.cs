using System.Net;
using System.Text.Json;

namespace Shop.IntegrationTests.Storefront;

/// <summary>
/// The storefront as the internet sees it, through an ingress (the tests stand in for it: the composition tells the
/// storefront to believe forwarded headers from 127.0.0.1): cookies, security headers, the body limit, and the
/// per-address limit of anonymous requests that reach the APIs.
/// </summary>
[Collection(ShopAppCollection.Name)]
public sealed class EdgeTests(ShopAppFixture fixture)
{
    [Fact]
    public async Task Behind_a_forwarded_https_request_every_cookie_is_secure_and_http_only()
    {
        var signIn = await StorefrontSignIn.SignInAsync(fixture.Store, "carol", ShopAppFixture.ShopperPassword,
            new Dictionary<string, string> { ["X-Forwarded-Proto"] = "https", ["X-Forwarded-For"] = "198.51.100.20" });

        Assert.Equal(HttpStatusCode.Redirect, signIn.Status);
        string[] cookies = [.. signIn.PageSetCookies, .. signIn.SessionSetCookies];
        Assert.Contains(cookies, c => c.StartsWith("shop.session=", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith("shop.antiforgery=", StringComparison.Ordinal));
        foreach (var cookie in cookies)
        {
            var attributes = cookie.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant()).ToList();
            Assert.True(attributes.Contains("secure") && attributes.Contains("httponly"), $"not Secure and HttpOnly: {cookie}");
        }
    }

    [Fact]
    public async Task Made_up_sale_ids_are_answered_404_without_asking_the_apis_and_a_sale_created_a_moment_ago_is_found()
    {
        using var store = new HttpClient { BaseAddress = fixture.Store };
        var catalog = fixture.Shop.Instances("catalog-api").Single();
        var ordering = fixture.Shop.Instances("ordering-api");
        using (var warm = await store.GetAsync($"/sales/{Guid.NewGuid()}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, warm.StatusCode);
        }
        var saleReads = await RequestsAsync(catalog, "/api/flash-sales/{id}");
        var stockReads = await StockReadsAsync(ordering);

        for (var i = 0; i < 20; i++)
        {
            using var page = await store.GetAsync($"/sales/{Guid.NewGuid()}");
            using var stock = await store.GetAsync($"/bff/flash-sales/{Guid.NewGuid()}/stock");
            Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, stock.StatusCode);
        }

        // Neither catalog-api's sale nor ordering-api's stock was asked for any of them (the exporter caches a scrape for a moment).
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(saleReads, await RequestsAsync(catalog, "/api/flash-sales/{id}"));
        Assert.Equal(stockReads, await StockReadsAsync(ordering));
        // A sale created through catalog-api a moment ago: its page at once (CreateSaleAsync waited only for its stock).
        var sale = await fixture.CreateSaleAsync("knownsale", quantity: 5, perBuyerLimit: 1);
        using var created = await store.GetAsync($"/sales/{sale.Id}");
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
    }

    /// <summary>How many requests of <paramref name="route"/> the instance has answered, from its own /metrics.</summary>
    private static async Task<long> RequestsAsync(Shop.Testing.ResourceInstance instance, string route)
    {
        using var metrics = new HttpClient { BaseAddress = instance.ManagementAddress };
        var exposition = await metrics.GetStringAsync("/metrics");
        return exposition.Split('\n')
            .Where(l => l.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal)
                && l.Contains($"http_route=\"{route}\"", StringComparison.Ordinal))
            .Sum(l => (long)double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<long> StockReadsAsync(IEnumerable<Shop.Testing.ResourceInstance> replicas)
    {
        long total = 0;
        foreach (var replica in replicas)
        {
            total += await RequestsAsync(replica, "/api/flash-sales/{saleId:guid}/stock");
        }
        return total;
    }

    [Fact]
    public async Task The_public_address_hides_health_and_metrics_which_the_management_port_serves()
    {
        // Through the storefront's public address (the ingress's): not found, nothing about its dependencies or traffic.
        using var store = new HttpClient { BaseAddress = fixture.Store };
        foreach (var path in new[] { "/health", "/alive", "/metrics" })
        {
            using var hidden = await store.GetAsync(path);
            Assert.True(hidden.StatusCode == HttpStatusCode.NotFound, $"{path} on the public address: {(int)hidden.StatusCode}");
            Assert.DoesNotContain("shop_", await hidden.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        // On the management endpoint, which the AppHost never marks external: what the orchestrator and Prometheus read.
        var storefront = fixture.Shop.Instances("webfrontend").Single();
        Assert.NotEqual(storefront.HttpPort, storefront.ManagementPort);
        using var management = new HttpClient { BaseAddress = storefront.ManagementAddress };
        using var health = await management.GetAsync("/health");
        using var metrics = await management.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("http_server_request_duration_seconds", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_ingress_hop_of_forwarded_headers_counts_not_what_a_client_claimed()
    {
        // A client that sent "X-Forwarded-Proto: https" itself over plain http; the ingress appended what it saw (http):
        // only the ingress's own entry is believed, so the session cookie is not marked Secure for an http visitor.
        var signIn = await StorefrontSignIn.SignInAsync(fixture.Store, "carol", ShopAppFixture.ShopperPassword,
            new Dictionary<string, string> { ["X-Forwarded-Proto"] = "https, http", ["X-Forwarded-For"] = "203.0.113.9, 198.51.100.21" });

        var session = Assert.Single(signIn.SessionSetCookies, c => c.StartsWith("shop.session=", StringComparison.Ordinal));
        Assert.DoesNotContain("secure", session.ToLowerInvariant().Split(';').Select(a => a.Trim()));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/signin")]
    [InlineData("/sales")]
    [InlineData("/no-such-page")]
    public async Task Every_page_carries_the_security_headers(string path)
    {
        using var response = await Store().GetAsync(path);

        var policy = Header(response, "Content-Security-Policy");
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Contains("script-src 'self'", policy);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
    }

    [Fact]
    public async Task A_picture_carries_a_policy_that_lets_nothing_in_it_run()
    {
        var item = await fixture.CreateItemAsync("Edge lamp", 4);

        using var response = await Store().GetAsync($"/catalog-pictures/{item.Id}?v=1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var policy = Header(response, "Content-Security-Policy");
        Assert.Contains("default-src 'none'", policy);
        Assert.Contains("sandbox", policy);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
    }

    [Fact]
    public async Task A_1_MB_form_body_is_refused_with_413()
    {
        using var response = await Store().PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.UserName"] = "alice",
            ["Input.Password"] = new string('x', 1024 * 1024),
        }));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task An_anonymous_burst_that_misses_the_caches_is_answered_429_with_retry_after()
    {
        // One visitor address of its own (the other tests' requests come from 127.0.0.1), asking at once for 250
        // pictures of versions nobody cached: each one would reach catalog-api. The bucket holds 100 and regains 20 a
        // second, so unless the 250 took over 7 seconds to arrive, some are refused, however slow the machine serves them.
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = 250 }) { BaseAddress = fixture.Store };
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.99");
        var answers = await Task.WhenAll(Enumerable.Range(0, 250).Select(_ => client.GetAsync($"/catalog-pictures/1?v=burst-{Guid.NewGuid():N}")));

        var refused = answers.FirstOrDefault(a => a.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.True(refused is not null, $"no 429 in {answers.Length} requests: {string.Join(", ", answers.Select(a => (int)a.StatusCode).Distinct())}");
        Assert.True(int.Parse(Header(refused, "Retry-After"), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("try again", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
        // Another address is not held back by this one's burst.
        using var other = await Store().GetAsync($"/catalog-pictures/1?v=other-{Guid.NewGuid():N}");
        Assert.NotEqual(HttpStatusCode.TooManyRequests, other.StatusCode);
        Array.ForEach(answers, a => a.Dispose());
    }

    private HttpClient Store() => new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = fixture.Store };

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new Xunit.Sdk.XunitException($"no {name} header on {(int)response.StatusCode} {response.RequestMessage?.RequestUri}");
}
