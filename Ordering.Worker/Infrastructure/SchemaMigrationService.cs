using Microsoft.Extensions.Options;
using Npgsql;
using Shop.Ordering.Core.Schema;

namespace Shop.Ordering.Worker.Infrastructure;

/// <summary>
/// Applies the orderingdb schema at start (under the migrator's advisory lock, so the API starting at the same
/// time is harmless), retrying while the database is unreachable, then opens the <see cref="StartupGate"/>.
/// It runs in the background rather than before <c>app.Run()</c> so that the process answers /health (which
/// reports the database) while it waits.
/// </summary>
public sealed partial class SchemaMigrationService(
    NpgsqlDataSource dataSource,
    StartupGate gate,
    IOptions<WorkerOptions> options,
    ILogger<SchemaMigrationService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = options.Value.RetryBackoff();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await OrderingSchema.MigrateAsync(dataSource, logger, stoppingToken);
                gate.Open();
                LogReady(logger);
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && Failures.IsTransient(e))
            {
                LogRetry(logger, e.Message, attempt + 1);
                await Task.Delay(backoff.Delay(attempt), stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "orderingdb schema is up to date; the worker starts consuming")]
    private static partial void LogReady(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "orderingdb is not reachable for the migration ({Reason}); attempt {Attempt}, retrying")]
    private static partial void LogRetry(ILogger logger, string reason, int attempt);
}
