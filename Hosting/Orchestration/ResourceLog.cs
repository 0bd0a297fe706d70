using System.Threading.Channels;

namespace Shop.Hosting.Orchestration;

public sealed record LogLine(long Sequence, DateTimeOffset Timestamp, int Replica, bool IsError, string Text);

/// <summary>
/// The console output of one resource: the last lines in memory for the dashboard, live subscribers for
/// streaming, and a copy in <c>{app data}/logs/{name}.log</c> when a file is attached.
/// </summary>
public sealed class ResourceLog
{
    private const int Capacity = 5000;

    private readonly Lock _gate = new();
    private readonly Queue<LogLine> _lines = new();
    private readonly List<Channel<LogLine>> _subscribers = [];
    private StreamWriter? _file;
    private long _sequence;

    internal void AttachFile(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        lock (_gate)
        {
            _file = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        }
    }

    public void Append(int replica, bool isError, string text)
    {
        lock (_gate)
        {
            var line = new LogLine(++_sequence, DateTimeOffset.UtcNow, replica, isError, text);
            _lines.Enqueue(line);
            if (_lines.Count > Capacity)
            {
                _lines.Dequeue();
            }
            _file?.WriteLine($"{line.Timestamp:O} [{replica}]{(isError ? " ERR" : "")} {text}");
            foreach (var subscriber in _subscribers)
            {
                // Bounded with drop-oldest: a slow dashboard tab never slows the process whose output we read.
                subscriber.Writer.TryWrite(line);
            }
        }
    }

    public IReadOnlyList<LogLine> Snapshot()
    {
        lock (_gate)
        {
            return [.. _lines];
        }
    }

    /// <summary>The buffered lines, then every new line until <paramref name="cancellationToken"/> fires.</summary>
    public async IAsyncEnumerable<LogLine> FollowAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<LogLine>(new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest });
        IReadOnlyList<LogLine> backlog;
        lock (_gate)
        {
            backlog = [.. _lines];
            _subscribers.Add(channel);
        }
        try
        {
            foreach (var line in backlog)
            {
                yield return line;
            }
            await foreach (var line in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return line;
            }
        }
        finally
        {
            lock (_gate)
            {
                _subscribers.Remove(channel);
            }
        }
    }

    internal void Close()
    {
        lock (_gate)
        {
            _file?.Dispose();
            _file = null;
        }
    }
}
