using System.Runtime.InteropServices;
using Shop.Bench;
using Shop.Bench.Ceilings;
using Shop.Bench.Reporting;

// The flash-sale benchmark (bench/README.md). Exit codes: 0 done, 1 failed, 2 bad arguments, 3 an audit found
// oversell, duplicates or lost orders (for a checkout also: incomplete orders, refused baskets persisted, repeats
// answered differently, a ledger that disagrees).
if (args.Contains(BareKestrel.ServeArgument))
{
    await BareKestrel.ServeAsync();
    return 0;
}
if (args is ["--render", var jsonFile])
{
    // Renders a saved report (results/*.json) as markdown again, its comparisons and targets computed anew from its
    // measurements: after the report's layout or the targets' definitions changed.
    var saved = ReportWriter.Read(jsonFile);
    var (ratios, targets) = ReportBuilder.Compare(saved.Scenarios, saved.Ramp, saved.Ceilings, saved.Machine);
    Console.Write(MarkdownReport.Render(saved with { Ratios = ratios, Targets = targets }));
    return 0;
}
if (args is ["--compare", .. var jsonFiles] && jsonFiles.Length > 0)
{
    // Saved runs side by side, each figure a fraction of its own run's ceiling: the table of an interleaved A/B.
    Console.Write(RunComparison.Render([.. jsonFiles.Select(file => (RunComparison.Label(file, jsonFiles), ReportWriter.Read(file)))]));
    return 0;
}
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

// Ctrl+C and SIGTERM cancel the run; the app (every server and service it started) is then stopped on the way out.
using var stop = new CancellationTokenSource();
void Cancel(PosixSignalContext context)
{
    context.Cancel = true;
    Console.Error.WriteLine("Stopping: cancelling the run and shutting the app down ...");
    stop.Cancel();
}
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);

try
{
    var report = await BenchRunner.RunAsync(options, ("FlashSale.Bench " + string.Join(' ', args)).Trim(), stop.Token);
    var files = ReportWriter.Write(report, options.Output ?? ReportWriter.DefaultFolder(), options.Scenario.Replace(',', '+') + (options.Quick ? "-quick" : ""),
        latest: options.Scenario == "all" && !options.Quick);
    Console.WriteLine();
    Console.WriteLine(MarkdownReport.Render(report));
    Console.WriteLine("Written: " + string.Join(", ", files));
    var audits = report.Scenarios.Select(s => s.Audit).Append(report.Ramp?.Audit).OfType<AuditResult>().ToList();
    var checkoutsClean = report.Scenarios.All(s => s.Checkout?.Audit.Clean ?? true);
    return audits.All(a => a.Oversell == 0 && a.Duplicates == 0 && a.Lost == 0) && checkoutsClean ? 0 : 3;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled; the app has been stopped.");
    return 130;
}
catch (Exception e) when (e is TimeoutException or InvalidOperationException or HttpRequestException or Npgsql.NpgsqlException
                              or StackExchange.Redis.RedisException or RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException)
{
    // The app has been stopped on the way out (every scenario runs inside `await using` of the app).
    Console.Error.WriteLine($"The benchmark failed: {e.GetType().Name}: {e.Message}");
    return 1;
}
