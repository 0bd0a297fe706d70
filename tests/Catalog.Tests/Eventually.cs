namespace Shop.Catalog.Tests;

/// <summary>Polls a condition until it holds or a deadline passes (for effects that happen asynchronously).</summary>
public static class Eventually
{
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"Timed out waiting until {what}.");
            }
            await Task.Delay(50);
        }
    }
}
