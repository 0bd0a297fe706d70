using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shop.Ordering.Core.Redis;
using Shop.Testing;

namespace Shop.Ordering.Api.Tests;

/// <summary>
/// The gate loses its data (its Redis stopped, its folder emptied, started again): the worker rebuilds every item's
/// stock and every checkout's first answer from the ledger before checkouts are taken again, so a retried
/// checkout gets its order back and the stock is what the ledger says.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class CheckoutGateLossTests(PipelineFixture fixture)
{
    private CheckoutClient Checkout => new(fixture.Shop);

    [Fact]
    public async Task An_emptied_gate_is_rebuilt_with_every_items_stock_and_every_checkouts_answer()
    {
        var a = await Checkout.NewItemAsync(stock: 10);
        var b = await Checkout.NewItemAsync(stock: 4);
        var kept = await Checkout.CheckoutAcceptedAsync("rebuild-buyer", "before-loss", (a, 3), (b, 1));
        var cancelled = await Checkout.CheckoutAcceptedAsync("rebuild-buyer", "cancelled-before-loss", (b, 2));
        await Checkout.WaitForStatusAsync(kept, "rebuild-buyer", "confirmed");
        await Checkout.WaitForStatusAsync(cancelled, "rebuild-buyer", "confirmed");
        using (var cancel = await fixture.Shop.SendAsync(HttpMethod.Post, $"/api/orders/{cancelled}/cancel", fixture.Shop.Token("rebuild-buyer")))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }
        await Eventually.TrueAsync(async () => await Checkout.GateAsync(b, "stock") == 3, "the cancelled line back in the gate", TimeSpan.FromSeconds(30));

        // A marker only this test writes: gone afterwards means the gate really came back empty.
        var redis = await fixture.Shop.RedisAsync();
        await redis.StringSetAsync("test:checkout-loss-marker", "before");
        await fixture.App.LoseDataAsync("gate", TimeSpan.FromMinutes(2));
        await Eventually.TrueAsync(async () => await TryAsync(() => redis.KeyExistsAsync("test:checkout-loss-marker")) == false, "the gate back, and empty", TimeSpan.FromMinutes(1));
        await Eventually.TrueAsync(async () => await TryAsync(() => redis.KeyExistsAsync(GateKeys.Ready)) == true, "the gate rebuilt", TimeSpan.FromMinutes(2));

        Assert.Equal(7, await Checkout.GateAsync(a, "stock"));
        Assert.Equal(3, await Checkout.GateAsync(b, "stock"));
        Assert.Equal(0, await Checkout.GateAsync(a, "pending"));
        // The retry of a checkout accepted before the loss is its first answer, not a second order.
        using var retry = await Checkout.CheckoutAsync("rebuild-buyer", "before-loss", (a, 3), (b, 1));
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal(kept, (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("orderId").GetGuid());
        Assert.Equal(7, await Checkout.GateAsync(a, "stock"));

        // Checkouts go on, through the whole pipeline, and the books agree.
        var after = await Checkout.CheckoutAcceptedAsync("rebuild-buyer", "after-loss", (a, 7), (b, 3));
        await Checkout.WaitForStatusAsync(after, "rebuild-buyer", "confirmed");
        using var empty = await Checkout.CheckoutAsync("rebuild-buyer", "nothing-left", (a, 1));
        Assert.Equal(HttpStatusCode.Conflict, empty.StatusCode);
        Assert.Equal(0, await Checkout.LedgerAsync(a, "remaining"));
        Assert.Equal(0, await Checkout.LedgerAsync(b, "remaining"));
        await Checkout.AssertReconcilesAsync(a);
        await Checkout.AssertReconcilesAsync(b);
    }

    /// <summary>The read's answer, or null while the gate is unreachable.</summary>
    private static async Task<bool?> TryAsync(Func<Task<bool>> read)
    {
        try
        {
            return await read();
        }
        catch (StackExchange.Redis.RedisException)
        {
            return null;
        }
    }
}
