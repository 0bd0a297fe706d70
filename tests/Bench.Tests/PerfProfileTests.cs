namespace Shop.Bench.Tests;

public sealed class PerfProfileTests
{
    [Theory]
    [InlineData("[JIT]", "instance void [Microsoft.IdentityModel.JsonWebTokens] Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler::ValidateToken()[OptimizedTier1]", "JWT validation (Microsoft.IdentityModel)")]
    [InlineData("[JIT]", "instance void [StackExchange.Redis] StackExchange.Redis.PhysicalBridge::TryEnqueue()[OptimizedTier1]", "Redis client (StackExchange.Redis)")]
    [InlineData("[JIT]", "instance void [Ordering.Api] Shop.Ordering.Api.Apis.FlashSaleOrdersApi+<BuyAsync>d__2::MoveNext()[OptimizedTier1]", "Shop's own code")]
    [InlineData("[JIT]", "instance void [Microsoft.AspNetCore.Server.Kestrel.Core] Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http.HttpProtocol::Reset()[OptimizedTier1]", "Kestrel (HTTP/1.1, sockets transport)")]
    [InlineData("[kernel.kallsyms]", "finish_task_switch.isra.0", "kernel: context switches")]
    [InlineData("[kernel.kallsyms]", "tcp_sendmsg_locked", "kernel: network stack, syscalls")]
    [InlineData("[kernel.kallsyms]", "do_sched_yield", "thread-pool spinning (sched_yield)")]
    [InlineData("libclrjit.so", "[unknown]", "JIT compiler")]
    [InlineData("libcoreclr.so", "[unknown]", "runtime (GC, allocation, casts, stubs)")]
    [InlineData("libcrypto.so.3", "CRYPTO_free", "crypto (HMAC-SHA256)")]
    public void Samples_are_attributed_to_the_part_of_the_stack_they_belong_to(string library, string symbol, string component) =>
        Assert.Equal(component, PerfProfile.Component(library, symbol));

    [Theory]
    [InlineData(4242, "postgres", "postgres")]
    [InlineData(0, "swapper", PerfProfile.Idle)]
    [InlineData(17, "ksoftirqd/1", "ksoftirqd")]
    [InlineData(99, "kworker/u4:2-events_unbound", "kworker")]
    [InlineData(512, "dcp", "dcp")]
    public void A_sample_belongs_to_its_resource_or_else_to_its_process_name(int pid, string thread, string part) =>
        Assert.Equal(part, PerfProfile.PartOf(pid, thread, new Dictionary<int, string> { [4242] = "postgres", [4243] = "ordering-api" }));

    [Theory]
    [InlineData("postgres", "ExecAgg", "postgres (executor, storage, WAL)")]
    [InlineData("beam.smp", "process_main", "Erlang VM (RabbitMQ)")]
    public void Server_samples_are_named_after_the_server(string library, string symbol, string component) =>
        Assert.Equal(component, PerfProfile.Component(library, symbol));
}
