using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using Shop.Web.Identity;
using Shop.Web.Services;

namespace Shop.Web.Components.Tests;

/// <summary>
/// A bUnit context for the live components as they run in a circuit (interactive), with basket-api and
/// ordering-api stubbed (<see cref="Basket"/>, <see cref="Ordering"/>) and a signed-in shopper's token.
/// </summary>
public abstract class LiveComponentTest : BunitContext
{
    public const string ShopperToken = "shopper-token";

    protected LiveComponentTest()
    {
        Services.AddLogging();
        Services.AddSingleton<IShopperToken>(Token);
        Services.AddSingleton<IHttpContextAccessor>(new HttpContextAccessor());
        Services.AddScoped<SessionEnd>();
        Services.AddSingleton<AntiforgeryStateProvider>(new TestAntiforgery());
        Services.AddSingleton(new BasketApiClient(new HttpClient(Basket) { BaseAddress = new Uri("http://basket-api") }));
        Services.AddSingleton(new OrderingApiClient(new HttpClient(Ordering) { BaseAddress = new Uri("http://ordering-api") }));
        Services.AddSingleton(new OrderingBuyClient(new HttpClient(Ordering) { BaseAddress = new Uri("http://ordering-api") }));
        // Last: it starts the renderer, after which no service can be added.
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    protected StubApi Basket { get; } = new();

    protected StubApi Ordering { get; } = new();

    protected TestToken Token { get; } = new();

    protected NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    /// <summary>A basket-api answer: the lines as (id, name, price or null when unavailable, quantity).</summary>
    protected static string BasketJson(params (int Id, string Name, decimal? Price, int Quantity)[] lines)
    {
        var items = lines.Select(l => l.Price is { } price
            ? FormattableString.Invariant($$"""{"itemId":{{l.Id}},"name":"{{l.Name}}","unitPrice":{{price}},"quantity":{{l.Quantity}},"lineTotal":{{price * l.Quantity}},"pictureUrl":"/api/catalog/items/{{l.Id}}/pic?v=1","available":true}""")
            : FormattableString.Invariant($$"""{"itemId":{{l.Id}},"name":null,"unitPrice":null,"quantity":{{l.Quantity}},"lineTotal":null,"pictureUrl":null,"available":false}"""));
        var available = lines.Where(l => l.Price is not null).ToList();
        return FormattableString.Invariant($$"""{"items":[{{string.Join(",", items)}}],"units":{{available.Sum(l => l.Quantity)}},"total":{{available.Sum(l => l.Price!.Value * l.Quantity)}}}""");
    }

    /// <summary>The token a component sends to the API <paramref name="audience"/>: each API has its own.</summary>
    public static string ShopperTokenFor(string audience) => $"{ShopperToken}:{audience}";

    public sealed class TestToken : IShopperToken
    {
        public string? Value { get; set; } = ShopperToken;

        public ValueTask<string?> GetAsync(string audience) => ValueTask.FromResult(Value is null ? null : $"{Value}:{audience}");
    }

    private sealed class TestAntiforgery : AntiforgeryStateProvider
    {
        public override AntiforgeryRequestToken? GetAntiforgeryToken() => new("test-antiforgery", "__RequestVerificationToken");
    }
}
