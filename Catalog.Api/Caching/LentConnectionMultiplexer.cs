using System.Reflection;
using System.Runtime.ExceptionServices;
using StackExchange.Redis;

namespace Shop.Catalog.Api.Caching;

/// <summary>
/// The app's Redis connection (the <see cref="IConnectionMultiplexer"/> singleton that <c>AddRedisClient("cache")</c>
/// registers) as lent to FusionCache's distributed cache and backplane, so that they open no connections of their own.
/// Both dispose whatever their <c>ConnectionMultiplexerFactory</c> returned (RedisCache when it is disposed, the
/// backplane when it unsubscribes), but the connection belongs to the container, which disposes it last. So this
/// proxy forwards every member except disposing and closing.
/// </summary>
public class LentConnectionMultiplexer : DispatchProxy
{
    private static readonly HashSet<string> OwnerOnly = [nameof(IDisposable.Dispose), nameof(IAsyncDisposable.DisposeAsync), nameof(IConnectionMultiplexer.Close), nameof(IConnectionMultiplexer.CloseAsync)];

    private IConnectionMultiplexer? _owner;

    public static IConnectionMultiplexer Lend(IConnectionMultiplexer owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var lent = Create<IConnectionMultiplexer, LentConnectionMultiplexer>();
        ((LentConnectionMultiplexer)(object)lent)._owner = owner;
        return lent;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (OwnerOnly.Contains(targetMethod.Name))
        {
            return targetMethod.ReturnType == typeof(ValueTask) ? ValueTask.CompletedTask
                : targetMethod.ReturnType == typeof(Task) ? Task.CompletedTask
                : null;
        }
        try
        {
            return targetMethod.Invoke(_owner, args);
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            // The member's own exception, as if it had been called directly.
            ExceptionDispatchInfo.Throw(exception.InnerException);
            throw;
        }
    }
}
