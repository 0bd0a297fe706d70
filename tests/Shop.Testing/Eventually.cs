namespace Shop.Testing;

/// <summary>Polls a condition until it holds or a deadline passes: for effects that happen asynchronously.</summary>
public static class Eventually
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(30);

    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? within = null)
    {
        var limit = within ?? Default;
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not true within {limit.TotalSeconds} s: {what}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Waits until <paramref name="read"/> returns <paramref name="expected"/>; fails with the last value seen.</summary>
    public static async Task EqualAsync<T>(T expected, Func<Task<T>> read, string what, TimeSpan? within = null)
    {
        var last = default(T);
        try
        {
            await TrueAsync(async () => EqualityComparer<T>.Default.Equals(last = await read(), expected), what, within);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} (expected {expected}, last saw {last})", e);
        }
    }

    /// <summary>Polls <paramref name="probe"/> until it returns a value, and returns it; fails with what <paramref name="lastSeen"/> says.</summary>
    public static async Task<T> ReturnsAsync<T>(Func<Task<T?>> probe, TimeSpan within, Func<string> lastSeen) where T : class
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not seen within {within.TotalSeconds} s. Last seen: {lastSeen()}");
            }
            await Task.Delay(500);
        }
    }
}
