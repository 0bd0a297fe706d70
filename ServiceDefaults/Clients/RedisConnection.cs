using System.Net;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Shop.ServiceDefaults.Clients;

/// <summary>
/// The process's one <see cref="ConnectionMultiplexer"/> for a connection name. StackExchange.Redis multiplexes
/// every caller over it (pipelining), so there must be exactly one. It is opened with
/// <c>AbortOnConnectFail=false</c>: when Redis is not there yet, the multiplexer is returned anyway and keeps
/// reconnecting in the background instead of failing the service's start.
/// </summary>
internal sealed partial class RedisConnection : IAsyncDisposable
{
    private readonly string _connectionName;
    private readonly ConfigurationOptions _options;
    private readonly ILogger _logger;
    private readonly SharedConnection<ConnectionMultiplexer> _shared;

    public RedisConnection(string connectionName, ConfigurationOptions options, ILogger logger)
    {
        _connectionName = connectionName;
        _options = options;
        _logger = logger;
        _shared = new SharedConnection<ConnectionMultiplexer>(ConnectAsync, static multiplexer =>
        {
            multiplexer.Dispose();
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>
    /// Builds the client options from a connection string. Redis's format is <c>host:port,key=value,..</c>;
    /// AbortOnConnectFail is forced off before the code's delegate runs, so the code can still turn it back on.
    /// </summary>
    public static ConfigurationOptions CreateOptions(string connectionString, Action<ConfigurationOptions>? configure)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        configure?.Invoke(options);
        return options;
    }

    public ConfigurationOptions Options => _options;

    public void Start() => _shared.Start();

    public Task<ConnectionMultiplexer> GetAsync(CancellationToken cancellationToken) => _shared.GetAsync(cancellationToken);

    public bool TryGet([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ConnectionMultiplexer? multiplexer) => _shared.TryGet(out multiplexer);

    public Exception? LastError => _shared.LastError;

    public ValueTask DisposeAsync() => _shared.DisposeAsync();

    /// <summary>The endpoints, for messages: never the options' ToString, which contains the password.</summary>
    public string Endpoints => string.Join(", ", _options.EndPoints.Select(Format));

    private async Task<ConnectionMultiplexer> ConnectAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ConnectionMultiplexer multiplexer;
        try
        {
            // 1.2.6 takes no cancellation token; the wait is bounded by ConnectTimeout (5 s by default).
            multiplexer = await ConnectionMultiplexer.ConnectAsync(_options.Clone()).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            LogConnectFailed(_logger, exception, _connectionName, Endpoints);
            throw;
        }

        multiplexer.ConnectionFailed += (_, e) => LogConnectionFailed(_logger, e.Exception, _connectionName, Format(e.EndPoint), e.FailureType.ToString());
        multiplexer.ConnectionRestored += (_, e) => LogConnectionRestored(_logger, _connectionName, Format(e.EndPoint));
        if (multiplexer.IsConnected)
        {
            LogConnected(_logger, _connectionName, Endpoints);
        }
        else
        {
            LogNotYetConnected(_logger, _connectionName, Endpoints);
        }

        return multiplexer;
    }

    private static string Format(EndPoint? endPoint) => endPoint switch
    {
        DnsEndPoint dns => dns.Host + ":" + dns.Port,
        null => "?",
        _ => endPoint.ToString() ?? "?",
    };

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Redis '{ConnectionName}' connected to {Endpoints}.")]
    private static partial void LogConnected(ILogger logger, string connectionName, string endpoints);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Redis '{ConnectionName}' is not reachable at {Endpoints} yet; reconnecting in the background.")]
    private static partial void LogNotYetConnected(ILogger logger, string connectionName, string endpoints);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Redis '{ConnectionName}' lost {EndPoint} ({FailureType}).")]
    private static partial void LogConnectionFailed(ILogger logger, Exception? exception, string connectionName, string endPoint, string failureType);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Redis '{ConnectionName}' reconnected to {EndPoint}.")]
    private static partial void LogConnectionRestored(ILogger logger, string connectionName, string endPoint);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Redis '{ConnectionName}' could not be set up for {Endpoints}.")]
    private static partial void LogConnectFailed(ILogger logger, Exception exception, string connectionName, string endpoints);
}
