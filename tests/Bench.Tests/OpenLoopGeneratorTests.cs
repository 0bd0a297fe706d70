using System.Diagnostics;

namespace Shop.Bench.Tests;

public sealed class OpenLoopGeneratorTests
{
    [Fact]
    public async Task It_sends_rate_times_duration_requests_on_schedule_and_stops_by_itself()
    {
        var sentAt = new long[500];
        var generator = new OpenLoopGenerator(new LoadSettings(1_000, TimeSpan.FromSeconds(0.5)));

        var result = await generator.RunAsync((index, _) =>
        {
            sentAt[index] = Stopwatch.GetTimestamp();
            return ValueTask.FromResult(Outcome.Ok);
        }, CancellationToken.None);

        Assert.Equal(500, result.Scheduled);
        Assert.Equal(500, result.Sent);
        Assert.Equal(500, result.Completed);
        Assert.Equal(0, result.Overruns);
        Assert.Equal(500, result.Latencies.Count(Outcome.Ok));
        // Request i left about i ms after the start: the schedule is the offered rate, not the server's pace.
        var last = Stopwatch.GetElapsedTime(result.StartTimestamp, sentAt[499]).TotalMilliseconds;
        Assert.InRange(last, 490, 1_000);
        Assert.InRange(result.AchievedRate, 400, 1_010);
    }

    [Fact]
    public async Task Latency_is_measured_from_the_intended_send_time_so_a_stall_is_not_hidden()
    {
        // Request 100 stalls everything for 300 ms (like a GC pause or a server that stops reading): the
        // ~300 requests due during the stall go late, and each one's latency counts the wait, although the
        // "server" answers every one of them at once.
        var generator = new OpenLoopGenerator(new LoadSettings(1_000, TimeSpan.FromSeconds(1)));

        var result = await generator.RunAsync((index, _) =>
        {
            if (index == 100)
            {
                Thread.Sleep(300);
            }
            return ValueTask.FromResult(Outcome.Ok);
        }, CancellationToken.None);

        var latencies = result.Latencies[Outcome.Ok];
        Assert.Equal(1_000, latencies.Count);
        Assert.True(latencies.MaxMicroseconds >= 290_000, $"max {latencies.MaxMicroseconds} µs");
        // A closed-loop tool would show one slow request; here the ~200 requests due in the stall's first 200 ms
        // waited ≥ 100 ms, so the slowest 10 % are all that slow.
        Assert.True(latencies.Percentile(90) >= 100_000, $"p90 {latencies.Percentile(90)} µs");
        Assert.True(latencies.Percentile(50) < 100_000, $"p50 {latencies.Percentile(50)} µs");
    }

    [Fact]
    public async Task Requests_beyond_the_in_flight_bound_are_counted_as_overruns_and_the_rest_is_cancelled_at_the_drain_timeout()
    {
        var generator = new OpenLoopGenerator(new LoadSettings(1_000, TimeSpan.FromSeconds(0.2), MaxInFlight: 10, DrainTimeout: TimeSpan.FromSeconds(0.2)));
        var clock = Stopwatch.StartNew();

        var result = await generator.RunAsync(async (_, cancellationToken) =>
        {
            await Task.Delay(Timeout.Infinite, cancellationToken); // a server that never answers
            return Outcome.Ok;
        }, CancellationToken.None);

        Assert.Equal(200, result.Scheduled);
        Assert.Equal(10, result.Sent);
        Assert.Equal(190, result.Overruns);
        Assert.Equal(10, result.Unfinished);
        Assert.Equal(10, result.Latencies.Count(Outcome.Error));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }
}
