using System.Diagnostics.CodeAnalysis;

namespace Shop.ServiceDefaults.Clients;

/// <summary>
/// One long-lived connection, opened asynchronously and shared. DI factories are synchronous, and opening a
/// Redis or RabbitMQ connection can take seconds; so the connection is started early (by a hosted service at
/// startup), awaited by code that can await, and looked at without waiting by health checks. A failed attempt
/// is not cached: the next caller starts a new one.
/// </summary>
internal sealed class SharedConnection<T>(Func<CancellationToken, Task<T>> connect, Func<T, ValueTask> dispose) : IAsyncDisposable
    where T : class
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _lifetime = new();
    private Task<T>? _current;
    private bool _disposed;

    /// <summary>Starts connecting unless a connection exists or an attempt is running.</summary>
    public Task<T> Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_current is null || _current.IsFaulted || _current.IsCanceled)
            {
                // Task.Run: the connect code's synchronous part (DNS, socket set-up) must not run under the lock
                // nor on the caller's thread.
                var token = _lifetime.Token;
                _current = Task.Run(() => connect(token), token);

                // The failure is logged by the connect code and surfaced to awaiting callers and the health
                // check; this continuation only marks it observed so nothing reports it a second time.
                _current.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            return _current;
        }
    }

    /// <summary>The connection, waiting for a running attempt (or starting one) if needed.</summary>
    public Task<T> GetAsync(CancellationToken cancellationToken)
    {
        var task = Start();
        return cancellationToken.CanBeCanceled ? task.WaitAsync(cancellationToken) : task;
    }

    /// <summary>The connection if it is already established; never waits.</summary>
    public bool TryGet([NotNullWhen(true)] out T? value)
    {
        var task = Volatile.Read(ref _current);
        if (task is { IsCompletedSuccessfully: true })
        {
            value = task.Result;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>Why the last attempt failed, if it did.</summary>
    public Exception? LastError => Volatile.Read(ref _current) is { IsFaulted: true } task ? task.Exception?.GetBaseException() : null;

    /// <summary>True while an attempt is under way.</summary>
    public bool IsConnecting => Volatile.Read(ref _current) is { IsCompleted: false };

    public async ValueTask DisposeAsync()
    {
        Task<T>? task;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            task = _current;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        if (task is not null)
        {
            // An attempt still running is cancelled; wait for it so a connection it opens anyway is closed too.
            // Its failure, if any, was logged by the connect code.
            await ((Task)task).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _lifetime.Dispose();
        if (task is { IsCompletedSuccessfully: true })
        {
            await dispose(task.Result).ConfigureAwait(false);
        }
    }
}

/// <summary>Starts a <see cref="SharedConnection{T}"/> when the host starts, without waiting for it.</summary>
internal sealed class ConnectionStarter(Action start) : Microsoft.Extensions.Hosting.IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
