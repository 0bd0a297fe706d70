using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Shop.ServiceDefaults.ServiceDiscovery;

/// <summary>
/// Reads endpoints from the configuration layout that Aspire (and Shop's own orchestrator) injects:
/// <c>services:{service}:{endpointName}:{index} = http://127.0.0.1:5123</c>. Results are cached per address
/// and the cache is dropped whenever configuration reloads.
/// </summary>
internal sealed partial class ConfigurationServiceEndpointResolver : IServiceEndpointResolver, IDisposable
{
    private const string SectionName = "services";

    private readonly IConfiguration _configuration;
    private readonly ILogger<ConfigurationServiceEndpointResolver> _logger;
    private readonly ConcurrentDictionary<string, ServiceEndpoints> _cache = new(StringComparer.OrdinalIgnoreCase);
    private readonly IDisposable _reloadRegistration;

    public ConfigurationServiceEndpointResolver(IConfiguration configuration, ILogger<ConfigurationServiceEndpointResolver> logger)
    {
        _configuration = configuration;
        _logger = logger;
        _reloadRegistration = ChangeToken.OnChange(configuration.GetReloadToken, _cache.Clear);
    }

    public IReadOnlyList<Uri> GetEndpoints(string serviceAddress)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceAddress);

        var address = serviceAddress.Contains("://", StringComparison.Ordinal)
            ? new Uri(serviceAddress, UriKind.Absolute)
            : new Uri("https+http://" + serviceAddress, UriKind.Absolute);
        return Lookup(address).Endpoints;
    }

    public bool TryResolve(Uri uri, [NotNullWhen(true)] out Uri? resolved)
    {
        ArgumentNullException.ThrowIfNull(uri);

        resolved = null;
        if (!uri.IsAbsoluteUri)
        {
            return false;
        }

        var entry = Lookup(uri);
        if (entry.Endpoints.Length > 0)
        {
            var endpoint = entry.Next();
            resolved = new UriBuilder(uri) { Scheme = endpoint.Scheme, Host = endpoint.Host, Port = endpoint.Port }.Uri;
            LogResolved(_logger, uri.Host, endpoint);
            return true;
        }

        if (entry.FallbackScheme is { } scheme)
        {
            resolved = new UriBuilder(uri) { Scheme = scheme, Port = uri.IsDefaultPort ? -1 : uri.Port }.Uri;
            return true;
        }

        return false;
    }

    public void Dispose() => _reloadRegistration.Dispose();

    private ServiceEndpoints Lookup(Uri address) =>
        _cache.GetOrAdd(address.Scheme + "://" + address.Host, static (_, state) => state.Self.Load(state.Address), (Self: this, Address: address));

    private ServiceEndpoints Load(Uri address)
    {
        var schemes = address.Scheme.Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var fallbackScheme = schemes.Length > 1 ? schemes[0] : null;

        // "_grpc.catalog-api" asks for the endpoint named "grpc" of "catalog-api".
        var host = address.Host;
        string? endpointName = null;
        var dot = host.IndexOf('.', StringComparison.Ordinal);
        if (host.StartsWith('_') && dot > 1)
        {
            endpointName = host[1..dot];
            host = host[(dot + 1)..];
        }

        var service = _configuration.GetSection(SectionName).GetSection(host);
        if (!service.Exists())
        {
            return ServiceEndpoints.None(fallbackScheme);
        }

        if (endpointName is not null)
        {
            return new ServiceEndpoints(Read(service.GetSection(endpointName), schemes[0]), fallbackScheme);
        }

        // Scheme preference: the first scheme of "https+http" that has any endpoint wins.
        foreach (var scheme in schemes)
        {
            var endpoints = Read(service.GetSection(scheme), scheme);
            if (endpoints.Length > 0)
            {
                return new ServiceEndpoints(endpoints, fallbackScheme);
            }
        }

        LogNoMatchingEndpoint(_logger, host, address.Scheme);
        return ServiceEndpoints.None(fallbackScheme);
    }

    private Uri[] Read(IConfigurationSection section, string defaultScheme)
    {
        var endpoints = new List<Uri>();
        if (section.Value is { } single)
        {
            Add(single);
        }

        // GetChildren orders numeric keys numerically, so 10 comes after 9.
        foreach (var child in section.GetChildren())
        {
            if (child.Value is { } value)
            {
                Add(value);
            }
        }

        return [.. endpoints];

        void Add(string value)
        {
            var text = value.Contains("://", StringComparison.Ordinal) ? value : defaultScheme + "://" + value;
            if (Uri.TryCreate(text, UriKind.Absolute, out var endpoint))
            {
                endpoints.Add(endpoint);
            }
            else
            {
                LogInvalidEndpoint(_logger, section.Path, value);
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Resolved service '{Service}' to {Endpoint}.")]
    private static partial void LogResolved(ILogger logger, string service, Uri endpoint);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Service '{Service}' is configured but has no endpoint for scheme '{Scheme}'; the address is used as is.")]
    private static partial void LogNoMatchingEndpoint(ILogger logger, string service, string scheme);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Ignoring endpoint '{Value}' at configuration key '{Key}': not a valid URI.")]
    private static partial void LogInvalidEndpoint(ILogger logger, string key, string value);
}
