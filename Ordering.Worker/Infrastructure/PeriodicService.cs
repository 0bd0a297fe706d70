namespace Shop.Ordering.Worker.Infrastructure;

/// <summary>
/// A loop that runs <see cref="RunOnceAsync"/> on a <see cref="PeriodicTimer"/>, from the start (the migrations resource has completed before the worker starts). A failed
/// round is logged and the next tick tries again: every loop of the worker is idempotent, so a round lost to an
/// outage is simply done by a later one.
/// </summary>
public abstract partial class PeriodicService(ILogger logger) : BackgroundService
{
    private int _failures;

    protected ILogger Logger { get; } = logger;

    protected abstract TimeSpan Interval { get; }

    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                // A round blocked on a server that has gone (a Redis call takes no token) is abandoned on stop: rounds are
                // idempotent, so the next process redoes it.
                await RunOnceAsync(stoppingToken).WaitAsync(stoppingToken);
                _failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // An outage fails every tick: log the first failures in full, then about once a minute.
                if (_failures++ < 3 || _failures % 60 == 0)
                {
                    // An outage's stack trace says nothing new; anything else is logged in full.
                    LogRoundFailed(Logger, Failures.IsTransient(e) ? null : e, GetType().Name, _failures, e.Message);
                }
            }
        }
        while (await WaitForNextTickAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitForNextTickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Loop}: a round failed ({Failures} in a row; the next tick tries again): {Reason}")]
    private static partial void LogRoundFailed(ILogger logger, Exception? exception, string loop, int failures, string reason);
}
