namespace Shop.ServiceDefaults.ServiceDiscovery;

/// <summary>The resolved endpoints of one logical address, with the round-robin cursor shared by all callers.</summary>
internal sealed class ServiceEndpoints(Uri[] endpoints, string? fallbackScheme)
{
    // Starts at -1 so the first caller gets index 0 (the order in configuration).
    private int _cursor = -1;

    public static ServiceEndpoints None(string? fallbackScheme) => new([], fallbackScheme);

    public Uri[] Endpoints { get; } = endpoints;

    /// <summary>The scheme used when nothing is configured and the requested scheme was a combination (https+http).</summary>
    public string? FallbackScheme { get; } = fallbackScheme;

    public Uri Next()
    {
        var endpoints = Endpoints;
        if (endpoints.Length == 1)
        {
            return endpoints[0];
        }

        // Unsigned modulo keeps the index valid after the counter wraps around int.MaxValue.
        var index = (uint)Interlocked.Increment(ref _cursor) % (uint)endpoints.Length;
        return endpoints[index];
    }
}
