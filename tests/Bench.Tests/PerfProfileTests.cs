namespace Shop.Bench.Tests;

public sealed class PerfProfileTests
{
    [Theory]
    [InlineData("[JIT]", "instance void [Microsoft.IdentityModel.JsonWebTokens] Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler::ValidateToken()[OptimizedTier1]", "JWT validation (Microsoft.IdentityModel)")]
    [InlineData("[JIT]", "instance void [StackExchange.Redis] StackExchange.Redis.PhysicalBridge::TryEnqueue()[OptimizedTier1]", "Redis client (StackExchange.Redis)")]
    [InlineData("[JIT]", "instance void [Ordering.Api] Shop.Ordering.Api.Apis.BuyApi+<BuyAsync>d__2::MoveNext()[OptimizedTier1]", "Shop's own code")]
    [InlineData("[JIT]", "instance void [Microsoft.AspNetCore.Server.Kestrel.Core] Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http.HttpProtocol::Reset()[OptimizedTier1]", "Kestrel (HTTP/1.1, sockets transport)")]
    [InlineData("[kernel.kallsyms]", "finish_task_switch.isra.0", "kernel: context switches")]
    [InlineData("[kernel.kallsyms]", "tcp_sendmsg_locked", "kernel: network stack, syscalls")]
    [InlineData("[kernel.kallsyms]", "do_sched_yield", "thread-pool spinning (sched_yield)")]
    [InlineData("libclrjit.so", "[unknown]", "JIT compiler")]
    [InlineData("libcoreclr.so", "[unknown]", "runtime (GC, allocation, casts, stubs)")]
    [InlineData("libcrypto.so.3", "CRYPTO_free", "crypto (HMAC-SHA256)")]
    public void Samples_are_attributed_to_the_part_of_the_stack_they_belong_to(string library, string symbol, string component) =>
        Assert.Equal(component, PerfProfile.Component(library, symbol));
}
