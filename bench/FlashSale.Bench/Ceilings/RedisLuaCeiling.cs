using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Shop.Bench.Reporting;
using Shop.Ordering.Core.Redis;
using StackExchange.Redis;

namespace Shop.Bench.Ceilings;

/// <summary>
/// The Redis ceiling: Shop's reserve.lua alone, on the gate's Redis (AOF appendfsync always, as the buy path has
/// it), with no HTTP in front. It runs on a
/// separate database (1; Shop uses 0) with a test sale of unlimited stock, so every call takes the full
/// accepting path (the most work the script does) without touching the app's keys or its reservations
/// stream; the database is flushed afterwards. Measured with StackExchange.Redis (one call at a time, and
/// many in flight pipelined over one multiplexer, as the API does) and with redis-benchmark when installed.
/// <para>
/// Its hundreds of thousands of reservations stay in the gate's append-only file after the flush (≈ 300 MB measured
/// on 2026-12-07), and Redis's automatic rewrites then fell into the scenarios that followed: seven rewrites in one
/// full run, the last (490 MB) during a measured buy scenario. So the ceiling ends by rewriting the file itself and
/// waiting for the rewrite to finish: the scenarios start from a gate whose file holds only the app's data.
/// </para>
/// </summary>
public static class RedisLuaCeiling
{
    private static readonly string ClientVersion = typeof(ConnectionMultiplexer).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?";

    private const int Database = 1;

    // reserve.lua's arguments as GateClient passes them (the ceiling calls the script itself, in a database of its own):
    // the default caps, the default soft memory limit, a week's retention. The script's header says what each one is.
    private const int CeilingOpenOrders = 10;
    private const int CeilingOpenUnits = 250;
    private const long RetentionMs = 7L * 24 * 3600 * 1000;

    public static async Task<IReadOnlyList<CeilingResult>> MeasureAsync(string connectionString, TimeSpan duration, Action<string> log, CancellationToken cancellationToken)
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString + ",abortConnect=false,allowAdmin=true,syncTimeout=10000").ConfigureAwait(false);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var db = redis.GetDatabase(Database);
        var saleId = Guid.NewGuid();
        await ArmAsync(db, saleId).ConfigureAwait(false);
        var results = new List<CeilingResult>();
        try
        {
            foreach (var window in new[] { 1, 256 })
            {
                var (rate, latency) = await DriveAsync(db, saleId, window, duration, cancellationToken).ConfigureAwait(false);
                log($"reserve.lua via StackExchange.Redis, {window} in flight: {rate:F0}/s, p99 {latency.Percentile(99) / 1000.0:F2} ms");
                results.Add(new CeilingResult($"Redis reserve.lua, {(window == 1 ? "one call at a time" : $"pipelined ({window} in flight)")}",
                    $"StackExchange.Redis {ClientVersion}, one multiplexer, {window} concurrent call(s), {duration.TotalSeconds:F0} s",
                    rate, latency.Percentile(50) / 1000.0, latency.Percentile(99) / 1000.0));
            }
            var sha = Convert.ToHexStringLower(await server.ScriptLoadAsync(GateScripts.Reserve.Text).ConfigureAwait(false));
            foreach (var pipeline in new[] { 1, 16 })
            {
                if (await RedisBenchmarkAsync(connectionString, sha, saleId, pipeline, duration, log, cancellationToken).ConfigureAwait(false) is { } result)
                {
                    results.Add(result);
                }
            }
        }
        finally
        {
            await server.FlushDatabaseAsync(Database).ConfigureAwait(false);
            await RewriteAppendOnlyFileAsync(server, log, cancellationToken).ConfigureAwait(false);
        }
        return results;
    }

    /// <summary>Rewrites the gate's append-only file (BGREWRITEAOF) and waits until no rewrite is running or scheduled.</summary>
    private static async Task RewriteAppendOnlyFileAsync(IServer server, Action<string> log, CancellationToken cancellationToken)
    {
        var before = await PersistenceAsync(server).ConfigureAwait(false);
        var started = Stopwatch.StartNew();
        try
        {
            await server.ExecuteAsync("BGREWRITEAOF").ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.Contains("in progress", StringComparison.OrdinalIgnoreCase))
        {
            // An automatic rewrite is running already: waiting for it is enough.
        }
        var deadline = TimeSpan.FromMinutes(2);
        Dictionary<string, string> now;
        while ((now = await PersistenceAsync(server).ConfigureAwait(false)).GetValueOrDefault("aof_rewrite_in_progress") == "1"
               || now.GetValueOrDefault("aof_rewrite_scheduled") == "1")
        {
            if (started.Elapsed > deadline)
            {
                log($"the gate's append-only file is still being rewritten after {deadline.TotalSeconds:F0} s; the scenarios start anyway");
                return;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        }
        log($"gate's append-only file rewritten after the ceiling: {Megabytes(before)} → {Megabytes(now)} in {started.Elapsed.TotalSeconds:F1} s");
    }

    private static async Task<Dictionary<string, string>> PersistenceAsync(IServer server) =>
        (await server.InfoAsync("persistence").ConfigureAwait(false)).SelectMany(group => group)
            .ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);

    private static string Megabytes(Dictionary<string, string> persistence) =>
        persistence.TryGetValue("aof_current_size", out var bytes) && long.TryParse(bytes, CultureInfo.InvariantCulture, out var size)
            ? $"{size / 1_000_000.0:F0} MB"
            : "? MB";

    private static async Task ArmAsync(IDatabase db, Guid saleId)
    {
        await db.StringSetAsync(GateKeys.Ready, "1").ConfigureAwait(false);
        await db.HashSetAsync(GateKeys.Stock(saleId),
        [
            new("status", "Scheduled"), new("stock", 1_000_000_000), new("pending", 0), new("limit", 1_000_000_000),
            new("starts", 0), new("ends", DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds()), new("price", "9.99"),
            new("initial", 1_000_000_000), new("version", 1),
        ]).ConfigureAwait(false);
    }

    private static async Task<(double Rate, LatencyHistogram Latency)> DriveAsync(IDatabase db, Guid saleId, int window, TimeSpan duration, CancellationToken cancellationToken)
    {
        var latency = new LatencyHistogram();
        var calls = 0L;
        var sale = saleId.ToString("N");
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, window).Select(async worker =>
        {
            while (Stopwatch.GetTimestamp() < stopAt && !cancellationToken.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref calls);
                // A buyer per call, as in a sale (each buyer's open orders stay few; reserve.lua reads them all).
                var buyer = $"ceiling-{n}";
                var orderId = Guid.CreateVersion7();
                var now = DateTimeOffset.UtcNow;
                RedisKey[] keys =
                [
                    GateKeys.Ready, GateKeys.Stock(saleId), GateKeys.Buyers(saleId), GateKeys.Answers(saleId), GateKeys.Reservations,
                    GateKeys.Order(orderId), GateKeys.BuyerPending(buyer), GateKeys.BuyerOpenOrders(buyer), GateKeys.MemoryChecked,
                ];
                RedisValue[] values =
                [
                    buyer, $"k{n}", 1, now.ToUnixTimeMilliseconds(), orderId.ToString("N"), sale, now.ToString("O", CultureInfo.InvariantCulture), 600, "",
                    now.AddMinutes(11).ToUnixTimeMilliseconds(), CeilingOpenOrders, CeilingOpenUnits, "0.8", RetentionMs,
                ];
                var start = Stopwatch.GetTimestamp();
                await GateScripts.Reserve.RunAsync(db, keys, values).ConfigureAwait(false);
                latency.Record(LatencyRecorder.ToMicroseconds(Stopwatch.GetTimestamp() - start));
            }
        })).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return (latency.Count / seconds, latency);
    }

    /// <summary>redis-benchmark running EVALSHA of reserve.lua with 50 clients; random buyers, keys and order ids.</summary>
    private static async Task<CeilingResult?> RedisBenchmarkAsync(string connectionString, string sha, Guid saleId, int pipeline, TimeSpan duration,
        Action<string> log, CancellationToken cancellationToken)
    {
        const string Binary = "/usr/bin/redis-benchmark";
        if (!File.Exists(Binary))
        {
            return null;
        }
        var parts = connectionString.Split(',');
        var (host, port) = (parts[0][..parts[0].LastIndexOf(':')], parts[0][(parts[0].LastIndexOf(':') + 1)..]);
        var password = parts.Select(p => p.Trim()).FirstOrDefault(p => p.StartsWith("password=", StringComparison.Ordinal))?["password=".Length..];
        var requests = (int)Math.Max(10_000, duration.TotalSeconds * (pipeline == 1 ? 50_000 : 120_000));
        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        var sale = saleId.ToString("N");
        string[] arguments =
        [
            "-h", host, "-p", port, "--dbnum", Database.ToString(CultureInfo.InvariantCulture), "-n", requests.ToString(CultureInfo.InvariantCulture),
            "-c", "50", "-P", pipeline.ToString(CultureInfo.InvariantCulture), "-r", "100000000", "--csv",
            "EVALSHA", sha, "9", (string)GateKeys.Ready!, (string)GateKeys.Stock(saleId)!, (string)GateKeys.Buyers(saleId)!, (string)GateKeys.Answers(saleId)!,
            (string)GateKeys.Reservations!, "order:bench__rand_int__", "buyer:bench__rand_int__:pending", "buyer:bench__rand_int__:open",
            (string)GateKeys.MemoryChecked!,
            "bench-__rand_int__", "k__rand_int__", "1", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            "__rand_int__", sale, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), "600", "",
            DateTimeOffset.UtcNow.AddMinutes(11).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            CeilingOpenOrders.ToString(CultureInfo.InvariantCulture), CeilingOpenUnits.ToString(CultureInfo.InvariantCulture), "0.8",
            RetentionMs.ToString(CultureInfo.InvariantCulture),
        ];
        if (password is not null)
        {
            // The app's generated, per-run password (redis-benchmark takes it only as an argument).
            start.ArgumentList.Add("-a");
            start.ArgumentList.Add(password);
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        var output = await stdout.ConfigureAwait(false);
        _ = await stderr.ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        // --csv: a header line, then "EVALSHA ...","<rps>","<avg ms>","<min>","<p50>","<p95>","<p99>","<max>"
        var row = output.Split('\n').LastOrDefault(l => l.StartsWith("\"EVALSHA", StringComparison.Ordinal));
        if (row is null)
        {
            log($"redis-benchmark gave no result: {output.Trim()}");
            return null;
        }
        var fields = row.Split("\",\"").Select(f => f.Trim('"')).ToArray();
        var rate = double.Parse(fields[1], CultureInfo.InvariantCulture);
        double? p50 = fields.Length > 4 ? double.Parse(fields[4], CultureInfo.InvariantCulture) : null;
        double? p99 = fields.Length > 6 ? double.Parse(fields[6], CultureInfo.InvariantCulture) : null;
        log($"reserve.lua via redis-benchmark -c 50 -P {pipeline}: {rate:F0}/s");
        return new CeilingResult($"Redis reserve.lua, redis-benchmark -P {pipeline}", $"redis-benchmark EVALSHA, 50 clients, pipeline {pipeline}, {requests} calls", rate, p50, p99);
    }
}
