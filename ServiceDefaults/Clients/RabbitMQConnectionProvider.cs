using System.Diagnostics.CodeAnalysis;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Shop.ServiceDefaults.Clients;

/// <summary>
/// The service's RabbitMQ connection, opened asynchronously at startup with bounded retries. Code that can
/// await (consumers, publishers, background services) should use <see cref="GetConnectionAsync"/>; an injected
/// <see cref="IConnection"/> is also available but its first resolution waits for the connection.
/// </summary>
public sealed partial class RabbitMQConnectionProvider : IAsyncDisposable
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly ConnectionFactory? _factory;
    private readonly string? _configurationError;
    private readonly string _clientName;
    private readonly RabbitMQClientSettings _settings;
    private readonly ILogger _logger;
    private readonly SharedConnection<IConnection> _shared;

    internal RabbitMQConnectionProvider(
        string connectionName,
        RabbitMQClientSettings settings,
        ConnectionFactory? factory,
        string? configurationError,
        string clientName,
        ILogger logger)
    {
        ConnectionName = connectionName;
        _settings = settings;
        _factory = factory;
        _configurationError = configurationError;
        _clientName = clientName;
        _logger = logger;
        _shared = new SharedConnection<IConnection>(ConnectAsync, static async connection =>
        {
            await connection.CloseAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        });
    }

    /// <summary>The connection name (<c>ConnectionStrings:{name}</c>) this provider was registered for.</summary>
    public string ConnectionName { get; }

    /// <summary>The connection, waiting for the attempt under way (or starting a new one after a failed one).</summary>
    /// <exception cref="InvalidOperationException">The connection string is missing.</exception>
    /// <exception cref="BrokerUnreachableException">Every attempt failed.</exception>
    public Task<IConnection> GetConnectionAsync(CancellationToken cancellationToken = default) => _shared.GetAsync(cancellationToken);

    /// <summary>The connection if it is established already; never waits.</summary>
    public bool TryGetConnection([NotNullWhen(true)] out IConnection? connection) => _shared.TryGet(out connection);

    /// <summary>Closes the connection.</summary>
    public ValueTask DisposeAsync() => _shared.DisposeAsync();

    internal Exception? LastError => _shared.LastError;

    internal bool IsConnecting => _shared.IsConnecting;

    internal void StartConnecting() => _shared.Start();

    /// <summary>The broker address without credentials, for messages.</summary>
    internal ConnectionFactory? Factory => _factory;

    internal string Endpoint => _factory is null ? "(not configured)" : $"{_factory.HostName}:{_factory.Port}{_factory.VirtualHost}";

    private async Task<IConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_factory is null)
        {
            throw new InvalidOperationException(_configurationError);
        }

        try
        {
            var connection = await BuildRetryPipeline().ExecuteAsync(
                static (state, token) => new ValueTask<IConnection>(state.Factory.CreateConnectionAsync(state.ClientName, token)),
                (Factory: _factory, ClientName: _clientName),
                cancellationToken).ConfigureAwait(false);
            LogConnected(_logger, ConnectionName, Endpoint);
            return connection;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogConnectFailed(_logger, exception, ConnectionName, Endpoint, _settings.MaxConnectRetryCount + 1);
            throw;
        }
    }

    private ResiliencePipeline BuildRetryPipeline()
    {
        if (_settings.MaxConnectRetryCount <= 0)
        {
            return ResiliencePipeline.Empty;
        }

        return new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = _settings.MaxConnectRetryCount,
                Delay = _settings.ConnectRetryBaseDelay,
                MaxDelay = MaxRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder()
                    .Handle<BrokerUnreachableException>()
                    .Handle<ConnectFailureException>()
                    .Handle<SocketException>()
                    .Handle<IOException>()
                    .Handle<TimeoutException>(),
                OnRetry = args =>
                {
                    // The message is enough while retrying; the final failure is logged with the whole exception.
                    LogRetry(_logger, ConnectionName, Endpoint, args.Outcome.Exception?.Message, args.AttemptNumber + 1, args.RetryDelay);
                    return default;
                },
            })
            .Build();
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "RabbitMQ '{ConnectionName}' connected to {Endpoint}.")]
    private static partial void LogConnected(ILogger logger, string connectionName, string endpoint);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "RabbitMQ '{ConnectionName}' at {Endpoint} not reachable ({Reason}); retry {Attempt} in {Delay}.")]
    private static partial void LogRetry(ILogger logger, string connectionName, string endpoint, string? reason, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "RabbitMQ '{ConnectionName}' at {Endpoint}: no connection after {Attempts} attempt(s); the next use or health probe tries again.")]
    private static partial void LogConnectFailed(ILogger logger, Exception exception, string connectionName, string endpoint, int attempts);
}
