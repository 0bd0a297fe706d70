using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace Shop.Ordering.Api.Tests;

/// <summary>A composition whose worker expires unpaid orders after 3 seconds, so that a checkout's expiry can be watched.</summary>
public sealed class ShortPaymentFixture : PipelineFixture
{
    protected override void Configure(IDistributedApplicationTestingBuilder builder) =>
        builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "ordering-worker"))
            .WithEnvironment("Ordering__PaymentTimeout", "00:00:03");
}

/// <summary>An unpaid checkout expires as a whole and every line's units come back to the gate and the ledger exactly once.</summary>
public sealed class CheckoutExpiryTests(ShortPaymentFixture fixture) : IClassFixture<ShortPaymentFixture>
{
    private CheckoutClient Checkout => new(fixture.Shop);

    [Fact]
    public async Task An_unpaid_checkout_expires_and_every_line_gives_its_units_back_once()
    {
        var a = await Checkout.NewItemAsync(stock: 6);
        var b = await Checkout.NewItemAsync(stock: 2);
        var c = await Checkout.NewItemAsync(stock: 9);
        var orderId = await Checkout.CheckoutAcceptedAsync("forgetful", "exp-1", (a, 4), (b, 2), (c, 1));
        Assert.Equal(0, await Checkout.GateAsync(b, "stock"));

        await Checkout.WaitForStatusAsync(orderId, "forgetful", "expired");
        await Eventually.TrueAsync(async () => await Checkout.GateAsync(a, "stock") == 6 && await Checkout.GateAsync(b, "stock") == 2 && await Checkout.GateAsync(c, "stock") == 9,
            "every line's units back in the gate", TimeSpan.FromSeconds(30));
        Assert.Equal(3, await fixture.Shop.ScalarAsync("SELECT count(*) FROM stock_releases r JOIN orders o USING (order_id) WHERE o.checkout_id = @c", ("c", orderId)));

        // Exactly once: more rounds of expiry and release change nothing, and the units sell again.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        foreach (var (item, stock) in new[] { (a, 6L), (b, 2L), (c, 9L) })
        {
            Assert.Equal(stock, await Checkout.GateAsync(item, "stock"));
            Assert.Equal(stock, await Checkout.LedgerAsync(item, "remaining"));
            await Checkout.AssertReconcilesAsync(item);
        }
        using var pay = await fixture.Shop.SendAsync(HttpMethod.Post, $"/api/orders/{orderId}/pay", fixture.Shop.Token("forgetful"));
        Assert.Equal(HttpStatusCode.Conflict, pay.StatusCode);
        Assert.NotEqual(Guid.Empty, await Checkout.CheckoutAcceptedAsync("next-buyer", "exp-2", (b, 2)));
    }
}
