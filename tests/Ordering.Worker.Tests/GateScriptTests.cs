using Aspire.Hosting.Testing;
using Shop.Ordering.Core.Redis;
using StackExchange.Redis;

namespace Shop.Ordering.Worker.Tests;

/// <summary>
/// The gate's scripts are called by the SHA-1 the client computed once, which must be the one Redis computes; and a
/// Redis that has forgotten them (a restart, <c>SCRIPT FLUSH</c>) gets their text again on the next call instead of
/// failing it.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class GateScriptTests(WorkerAppFixture fixture)
{
    private static readonly GateScript[] Scripts =
        [GateScripts.Reserve, GateScripts.Checkout, GateScripts.Confirm, GateScripts.Release, GateScripts.Arm, GateScripts.Restock];

    private WorkerTestClient Client => fixture.Client;

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

    private async Task<ConnectionMultiplexer> AdminAsync() =>
        await ConnectionMultiplexer.ConnectAsync(await fixture.App.App.GetConnectionStringAsync("gate") + ",allowAdmin=true");
}
