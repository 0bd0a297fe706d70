using Aspire.Hosting.Testing;
using Shop.Ordering.Core.Redis;
using StackExchange.Redis;

namespace Shop.Ordering.Worker.Tests;

/// <summary>
/// The gate client's scripts against the real gate. They are called by the SHA-1 the client computed once, which must be the one Redis computes; and a
/// Redis that has forgotten them (a restart, <c>SCRIPT FLUSH</c>) gets their text again on the next call instead of
/// failing it. Settling and parking a stream entry happen once, whoever repeats them.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class GateScriptTests(WorkerAppFixture fixture)
{
    private static readonly GateScript[] Scripts =
        [GateScripts.Reserve, GateScripts.Checkout, GateScripts.Settle, GateScripts.Park, GateScripts.Release, GateScripts.Arm, GateScripts.Restock, GateScripts.Memory];

    private WorkerTestClient Client => fixture.Client;

    [Fact]
    public async Task The_gate_s_memory_is_read_through_a_script_on_a_connection_without_admin_rights()
    {
        var memory = await Client.Gate.MemoryAsync();

        Assert.True(memory.UsedBytes > 0, $"used {memory.UsedBytes}");
        Assert.True(memory.MaxBytes > memory.UsedBytes, $"maxmemory {memory.MaxBytes} (the gate's hard limit) above used {memory.UsedBytes}");
    }

    [Fact]
    public async Task Every_script_is_known_to_Redis_by_the_sha_the_client_computed()
    {
        await using var admin = await AdminAsync();
        var server = admin.GetServers().Single();
        foreach (var script in Scripts)
        {
            Assert.Equal(script.Sha1, Convert.ToHexStringLower(await server.ScriptLoadAsync(script.Text)));
        }
    }

    [Fact]
    public async Task A_gate_that_forgot_its_scripts_still_decides_and_knows_them_again_afterwards()
    {
        var sale = WorkerTestClient.Sale(quantity: 5);
        await Client.ArmAsync(sale);
        await using var admin = await AdminAsync();
        var server = admin.GetServers().Single();

        await server.ScriptFlushAsync();
        Assert.False(await server.ScriptExistsAsync(GateScripts.Reserve.Text));

        var first = await Client.Gate.ReserveAsync(sale.SaleId, "forgetful-buyer", "f-1", 2);
        Assert.Equal(ReservationOutcome.Accepted, first.Outcome);
        Assert.True(await server.ScriptExistsAsync(GateScripts.Reserve.Text));
        var repeat = await Client.Gate.ReserveAsync(sale.SaleId, "forgetful-buyer", "f-1", 2);
        Assert.Equal(new ReservationDecision(ReservationOutcome.Repeat, first.OrderId, 2), repeat);
    }

    [Fact]
    public async Task Settling_or_parking_an_entry_again_moves_nothing()
    {
        var sale = WorkerTestClient.Sale(quantity: 10);
        await Client.ArmAsync(sale);
        var first = (await Client.ReserveAsync(sale.SaleId, "settler-a", "s-1", 2))!;
        await Eventually.EqualAsync(1L, () => Client.OrderCountAsync(sale.SaleId), "the worker persisted and settled it");
        await Eventually.EqualAsync(0L, () => Client.GateAsync(sale.SaleId, "pending"), "its units out of pending");
        var poison = await Client.AppendRawAsync(("note", "not a reservation"));
        await Client.WaitForParkedAsync(poison);

        // The same entries again (a worker that died after settling or parking, before it knew): no longer pending
        // in the group, so nothing moves, nothing is parked twice.
        var settledAgain = new GateStreamEntry("1-0", first, "");
        Assert.Equal(0, await Client.Gate.SettleAsync("ledger", [settledAgain]));
        Assert.False(await Client.Gate.ParkAsync("ledger", poison, "poison"));

        Assert.Equal(0, await Client.GateAsync(sale.SaleId, "pending"));
        Assert.Equal(8, await Client.GateAsync(sale.SaleId, "stock"));
        Assert.Single((await Client.Redis.StreamRangeAsync(GateKeys.ParkedReservations, "-", "+")), e => (string?)e["entry"] == poison);
        await Client.AssertReconcilesAsync(sale.SaleId);
    }

    private async Task<ConnectionMultiplexer> AdminAsync() =>
        await ConnectionMultiplexer.ConnectAsync(await fixture.App.App.GetConnectionStringAsync("gate") + ",allowAdmin=true");
}
