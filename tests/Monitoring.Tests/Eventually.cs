namespace Shop.Monitoring.Tests;

internal static class Eventually
{
    /// <summary>Polls <paramref name="probe"/> until it returns a value, or fails with what it last saw.</summary>
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
