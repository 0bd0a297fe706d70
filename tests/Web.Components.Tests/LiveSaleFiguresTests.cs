using Shop.ServiceDefaults.Identity;
using Shop.Web.Components.Live;

namespace Shop.Web.Components.Tests;

/// <summary>The admin's live figures: read every interval with the admin's token, each failure said.</summary>
public sealed class LiveSaleFiguresTests : LiveComponentTest
{
    private static readonly Guid Sale = Guid.Parse("0193b2c4-3333-7000-8000-000000000003");

    private IRenderedComponent<LiveSaleFigures> RenderFigures() =>
        Render<LiveSaleFigures>(p => p.Add(c => c.SaleId, Sale).Add(c => c.Initial, 5).Add(c => c.Interval, TimeSpan.FromMilliseconds(20)));

    [Fact]
    public void Shows_the_gates_stock_and_the_reconciliation_and_follows_them()
    {
        Ordering.On("GET", $"/api/flash-sales/{Sale}/stock", 200,
            $$"""{"saleId":"{{Sale}}","remaining":3,"initial":5,"status":"Live","startsAt":"2026-03-01T12:00:00Z","endsAt":"2026-03-01T13:00:00Z","serverTime":"2026-03-01T12:10:00Z"}""")
            .On("GET", $"/api/admin/flash-sales/{Sale}/reconciliation", 200,
            $$"""{"stockId":"{{Sale}}","initial":5,"redisRemaining":3,"inFlight":1,"sold":1,"releasing":0,"ledgerRemaining":4,"perBuyerLimit":2,"buyersOverLimit":[],"holds":true,"checkedAt":"2026-03-01T12:10:00Z"}""");
        var cut = RenderFigures();

        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-live-sale]").GetAttribute("data-loaded")));
        Assert.Equal("3", cut.Find("[data-live=remaining]").TextContent);
        Assert.Equal("1", cut.Find("[data-live=sold]").TextContent);
        Assert.Equal("1", cut.Find("[data-live=inFlight]").TextContent);
        Assert.Equal("Holds", cut.Find("[data-live=holds]").TextContent);
        Assert.Equal("none", cut.Find("[data-live=overLimit]").TextContent);
        Assert.Empty(cut.FindAll("[data-live=error]"));
        Assert.Equal(ShopperTokenFor(ShopAudiences.OrderingApi), Ordering.To("GET", $"/api/admin/flash-sales/{Sale}/reconciliation").First().Token);

        Ordering.On("GET", $"/api/flash-sales/{Sale}/stock", 200,
            $$"""{"saleId":"{{Sale}}","remaining":2,"initial":5,"status":"Live","startsAt":"2026-03-01T12:00:00Z","endsAt":"2026-03-01T13:00:00Z","serverTime":"2026-03-01T12:10:01Z"}""");
        cut.WaitForAssertion(() => Assert.Equal("2", cut.Find("[data-live=remaining]").TextContent), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void A_sale_not_armed_yet_says_so()
    {
        var cut = RenderFigures();
        cut.WaitForAssertion(() => Assert.Equal(
            "The gate does not know this sale (not armed yet). The ledger has no such sale yet.",
            cut.Find("[data-live=error]").TextContent));
        Assert.Equal("5", cut.Find("[data-live=initial]").TextContent);
        Assert.Equal("checking…", cut.Find("[data-live=holds]").TextContent);
    }
}
