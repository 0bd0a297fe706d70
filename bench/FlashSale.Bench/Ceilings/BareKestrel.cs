using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Shop.Bench.Ceilings;

/// <summary>
/// The HTTP ceiling: a bare Kestrel endpoint on loopback that answers the buy request's route with a small
/// constant JSON (202, like Shop's answer) and does nothing else: no authentication, no Redis. It runs as a
/// process of its own with the services' runtime settings, and the generator drives it exactly as it drives
/// the API (same requests, same client), so the gap between the two is what Shop's own work costs.
/// </summary>
public sealed class BareKestrel : IAsyncDisposable
{
    public const string ServeArgument = "--serve-bare-kestrel";

    private static readonly byte[] Answer = """{"orderId":"0199a0a0-0000-7000-8000-000000000001","status":"pending"}"""u8.ToArray();

    private readonly Process _process;

    private readonly string _runtimeConfig;

    private BareKestrel(Process process, Uri address, string runtimeConfig) => (_process, Address, _runtimeConfig) = (process, address, runtimeConfig);

    public Uri Address { get; }

    public int Pid => _process.Id;

    /// <summary>
    /// The runtime settings (<c>configProperties</c>) the services are built with, from ordering-api's
    /// runtimeconfig.json next to this build (same configuration); a Web SDK app's defaults if it is not there.
    /// </summary>
    internal static string ServicesConfigProperties()
    {
        const string WebSdkDefaults = """{"System.GC.Server":true,"System.GC.Concurrent":true,"System.Globalization.Invariant":true}""";
        // bench/FlashSale.Bench/bin/<configuration>/net10.0/ → the repository, and ordering-api's output of that configuration.
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        if (output.Parent?.Name is not { } configuration || output.Parent.Parent?.Parent?.Parent?.Parent is not { } repository)
        {
            return WebSdkDefaults;
        }
        var file = Path.Combine(repository.FullName, "Ordering.Api", "bin", configuration, output.Name, "Ordering.Api.runtimeconfig.json");
        if (!File.Exists(file))
        {
            return WebSdkDefaults;
        }
        var properties = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file))?["runtimeOptions"]?["configProperties"];
        return properties?.ToJsonString() ?? WebSdkDefaults;
    }

    /// <summary>Starts this program again in serving mode and waits for its address.</summary>
    public static async Task<BareKestrel> StartAsync(CancellationToken cancellationToken)
    {
        // Run like the services do (their runtime settings: GC mode, thread-pool spinning), not with the generator's
        // own: dotnet exec with a runtimeconfig of its own whose settings are copied from ordering-api's build output.
        var assembly = typeof(BareKestrel).Assembly.Location;
        var runtimeConfig = Path.Combine(Path.GetTempPath(), $"shop-bench-bare-kestrel-{Environment.ProcessId}.runtimeconfig.json");
        await File.WriteAllTextAsync(runtimeConfig, """
            {"runtimeOptions":{"tfm":"net10.0","frameworks":[{"name":"Microsoft.NETCore.App","version":"10.0.0"},{"name":"Microsoft.AspNetCore.App","version":"10.0.0"}],
             "configProperties":
            """ + ServicesConfigProperties() + "}}", cancellationToken).ConfigureAwait(false);
        var dotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in new[] { "exec", "--runtimeconfig", runtimeConfig, "--depsfile", Path.ChangeExtension(assembly, ".deps.json"), assembly, ServeArgument })
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the bare Kestrel process.");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false)
                    ?? throw new InvalidOperationException("The bare Kestrel process ended before it listened.");
                if (line.StartsWith("listening ", StringComparison.Ordinal))
                {
                    return new BareKestrel(process, new Uri(line["listening ".Length..]), runtimeConfig);
                }
            }
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            File.Delete(runtimeConfig);
            throw;
        }
    }

    /// <summary>The serving mode: listen, print the address, stop when the parent closes stdin (or dies).</summary>
    public static async Task ServeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/api/flash-sales/{saleId:guid}/orders", (HttpContext context) =>
        {
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = Answer.Length;
            return context.Response.Body.WriteAsync(Answer).AsTask();
        });
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        Console.WriteLine($"listening {address}");
        // The parent holds our stdin: end of input means it is done with us (or gone).
        await Console.In.ReadToEndAsync().ConfigureAwait(false);
        await app.StopAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
        File.Delete(_runtimeConfig);
    }
}
