using System.Diagnostics;

namespace Shop.Bench;

/// <summary>Sends request number <c>index</c> and says what came back. It must not throw for a server's answer.</summary>
public delegate ValueTask<Outcome> SendRequest(long index, CancellationToken cancellationToken);

/// <summary>An offered rate held for a duration; at most <see cref="MaxInFlight"/> requests outstanding.</summary>
public sealed record LoadSettings(double Rate, TimeSpan Duration, int MaxInFlight = 8192, TimeSpan? DrainTimeout = null)
{
    public long Requests => (long)Math.Round(Rate * Duration.TotalSeconds);

    public TimeSpan Drain => DrainTimeout ?? TimeSpan.FromSeconds(30);
}

/// <summary>What a run did: how much was offered, sent, answered, and how fast.</summary>
public sealed record GeneratorResult(
    LoadSettings Settings,
    LatencyRecorder Latencies,
    long Scheduled,
    long Sent,
    long Overruns,
    long Unfinished,
    long StartTimestamp,
    DateTimeOffset StartedAt,
    long LastCompletionTimestamp)
{
    /// <summary>From the first intended send to the last answer (at least the scheduled span).</summary>
    public TimeSpan Elapsed => TimeSpan.FromSeconds(Math.Max(Settings.Duration.TotalSeconds,
        (double)(LastCompletionTimestamp - StartTimestamp) / Stopwatch.Frequency));

    public long Completed => Latencies.All().Count;

    public double AchievedRate => Completed / Elapsed.TotalSeconds;

    public double RateOf(Outcome outcome) => Latencies.Count(outcome) / Elapsed.TotalSeconds;

    /// <summary>The wall-clock time of a Stopwatch timestamp taken during the run.</summary>
    public DateTimeOffset WallClock(long timestamp) => StartedAt + Stopwatch.GetElapsedTime(StartTimestamp, timestamp);
}

/// <summary>
/// An open-loop load generator. Request i is due at <c>start + i / rate</c> whatever happened to the requests
/// before it: a dedicated thread fires each one when it is due without waiting for answers, and its latency is
/// measured from that intended time (not from when it was actually sent), so a stall of the server, the
/// network or the generator itself shows up in the numbers instead of silently lowering the load (coordinated
/// omission). At most <see cref="LoadSettings.MaxInFlight"/> requests are outstanding: a request due while the
/// limit is reached is not sent and counted as an overrun. After the last one is due the generator waits for
/// the answers up to the drain timeout, then cancels what is left and stops.
/// </summary>
public sealed partial class OpenLoopGenerator(LoadSettings settings)
{
    private static readonly long LeadTicks = Stopwatch.Frequency / 50; // 20 ms to get the thread going

    public LoadSettings Settings => settings;

    public async Task<GeneratorResult> RunAsync(SendRequest send, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(settings.Rate);
        var run = new Run(settings, send, cancellationToken);
        var start = Stopwatch.GetTimestamp() + LeadTicks;
        var startedAt = DateTimeOffset.UtcNow + Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), start);
        var scheduler = new Thread(() => run.Schedule(start))
        {
            IsBackground = true,
            Name = "open-loop scheduler",
            Priority = ThreadPriority.AboveNormal,
        };
        scheduler.Start();
        await run.ScheduleDone.Task.ConfigureAwait(false);

        var drained = await Task.WhenAny(run.Drained.Task, Task.Delay(settings.Drain, cancellationToken)).ConfigureAwait(false) == run.Drained.Task;
        var unfinished = 0L;
        if (!drained)
        {
            unfinished = Interlocked.Read(ref run.InFlight);
            await run.Abort.CancelAsync().ConfigureAwait(false);
            // Cancelled requests record themselves (as errors) quickly; don't wait for a transport that ignores cancellation.
            await Task.WhenAny(run.Drained.Task, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
        }
        run.Abort.Dispose();
        return new GeneratorResult(settings, run.Latencies, run.Scheduled, run.Sent, run.Overruns, unfinished, start, startedAt,
            Math.Max(Interlocked.Read(ref run.LastCompletion), start));
    }

    private sealed class Run(LoadSettings settings, SendRequest send, CancellationToken cancellationToken)
    {
        public readonly LatencyRecorder Latencies = new();
        public readonly TaskCompletionSource ScheduleDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource Drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly CancellationTokenSource Abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        public long InFlight;
        public long LastCompletion;
        public long Scheduled;
        public long Sent;
        public long Overruns;
        private volatile bool _schedulingOver;

        public void Schedule(long start)
        {
            try
            {
                var total = settings.Requests;
                var interval = Stopwatch.Frequency / settings.Rate;
                var token = Abort.Token;
                for (long i = 0; i < total && !token.IsCancellationRequested; i++)
                {
                    var intended = start + (long)(i * interval);
                    WaitUntil(intended);
                    Scheduled++;
                    if (Interlocked.Read(ref InFlight) >= settings.MaxInFlight)
                    {
                        Overruns++;
                        continue;
                    }
                    Interlocked.Increment(ref InFlight);
                    Sent++;
                    _ = FireAsync(i, intended, token);
                }
            }
            finally
            {
                _schedulingOver = true;
                if (Interlocked.Read(ref InFlight) == 0)
                {
                    Drained.TrySetResult();
                }
                ScheduleDone.TrySetResult();
            }
        }

        private async Task FireAsync(long index, long intended, CancellationToken token)
        {
            Latencies.SendLag.Record(LatencyRecorder.ToMicroseconds(Stopwatch.GetTimestamp() - intended));
            Outcome outcome;
            try
            {
                outcome = await send(index, token).ConfigureAwait(false);
            }
            catch (Exception)
            {
                outcome = Outcome.Error;
            }
            var end = Stopwatch.GetTimestamp();
            Latencies.Record(outcome, end - intended);
            var last = Interlocked.Read(ref LastCompletion);
            while (end > last)
            {
                var seen = Interlocked.CompareExchange(ref LastCompletion, end, last);
                if (seen == last)
                {
                    break;
                }
                last = seen;
            }
            if (Interlocked.Decrement(ref InFlight) == 0 && _schedulingOver)
            {
                Drained.TrySetResult();
            }
        }
    }

    /// <summary>
    /// Sleeps until a Stopwatch timestamp: coarse sleeps while far, then short ones (≈0.1 ms on Linux) so that
    /// requests leave close to their intended time without spinning a core the server needs.
    /// </summary>
    private static void WaitUntil(long timestamp)
    {
        while (true)
        {
            var ahead = timestamp - Stopwatch.GetTimestamp();
            if (ahead <= 0)
            {
                return;
            }
            var microseconds = ahead * 1_000_000 / Stopwatch.Frequency;
            if (microseconds > 2_000)
            {
                Thread.Sleep((int)(microseconds / 1000) - 1);
            }
            else if (OperatingSystem.IsLinux())
            {
                _ = Usleep((uint)Math.Clamp(microseconds, 50, 500));
            }
            else
            {
                Thread.Sleep(1);
            }
        }
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "usleep")]
    private static partial int Usleep(uint microseconds);
}
