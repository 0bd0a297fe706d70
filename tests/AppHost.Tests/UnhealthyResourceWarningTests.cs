using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Shop.AppHost.Tests;

/// <summary>
/// A resource that runs but never passes its health check is named on the AppHost's console with the check's last
/// error, instead of leaving a developer with silence while everything that waits for it waits. Here a process of
/// the test's own (sleep) whose check always refuses, in the real composition with nothing else started.
/// </summary>
[Collection(OneAtATime.Name)]
public sealed class UnhealthyResourceWarningTests
{
    [Fact]
    public async Task A_resource_that_never_turns_healthy_is_named_with_its_last_error()
    {
        using var isolation = AppIsolation.Create();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [.. isolation.Arguments, "--UnhealthyResourceWarning:After=00:00:02"]);
        var console = new ConsoleLines();
        builder.Services.AddLogging(logging => logging.AddProvider(console));
        builder.Services.AddHealthChecks().AddCheck("stuck_check", () => HealthCheckResult.Unhealthy("the test's check refuses, as a server refusing a login would"));
        builder.AddExecutable("stuck", "/bin/sleep", isolation.DataFolder.FullName, "300").WithHealthCheck("stuck_check");
        Composition.StartOnly(builder, ["stuck"]);

        await using var app = await builder.BuildAsync();
        await app.StartAsync();
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(console.Warnings.Any(l => l.StartsWith("stuck (stuck-", StringComparison.Ordinal))),
                "a warning that names the resource", TimeSpan.FromSeconds(60));
            var warning = console.Warnings.Single(l => l.StartsWith("stuck (", StringComparison.Ordinal));
            Assert.Contains("is running but not healthy after 2 s", warning, StringComparison.Ordinal);
            Assert.Contains("stuck_check: the test's check refuses, as a server refusing a login would", warning, StringComparison.Ordinal);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    /// <summary>What the AppHost writes to its console at Warning and above.</summary>
    private sealed class ConsoleLines : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _warnings = new();

        public IReadOnlyCollection<string> Warnings => _warnings;

        public ILogger CreateLogger(string categoryName) => new Lines(this);

        public void Dispose()
        {
        }

        private sealed class Lines(ConsoleLines owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    owner._warnings.Enqueue(formatter(state, exception));
                }
            }
        }
    }
}
