using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Shop.Hosting.Testing;

/// <summary>
/// Lets a test run an AppHost's own Program.cs up to <c>builder.Build()</c> and take the composition from
/// there: <see cref="DistributedApplication.CreateBuilder"/> applies the test's configuration, and
/// <c>Build()</c> hands the builder over and unwinds Program.cs with <see cref="CompositionCapturedException"/>.
/// </summary>
internal sealed class CompositionCapture(Assembly appHostAssembly, IReadOnlyDictionary<string, string?> configuration)
{
    private static readonly AsyncLocal<CompositionCapture?> Active = new();
    private readonly TaskCompletionSource<DistributedApplicationBuilder> _captured = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static CompositionCapture? Current => Active.Value;

    public Assembly AppHostAssembly { get; } = appHostAssembly;

    public bool IsCapturing { get; private set; } = true;

    public void ApplyConfiguration(ConfigurationManager target) => target.AddInMemoryCollection(configuration);

    public void Capture(DistributedApplicationBuilder builder)
    {
        IsCapturing = false;
        _captured.TrySetResult(builder);
        throw new CompositionCapturedException();
    }

    /// <summary>Runs the AppHost's entry point with <paramref name="args"/> until it builds its application.</summary>
    public async Task<DistributedApplicationBuilder> RunEntryPointAsync(string[] args)
    {
        var entryPoint = AppHostAssembly.EntryPoint
            ?? throw new DistributedApplicationException($"Assembly '{AppHostAssembly.GetName().Name}' has no entry point: is it the AppHost?");
        await Task.Run(async () =>
        {
            Active.Value = this;
            try
            {
                var result = entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? null : [args]);
                if (result is Task task)
                {
                    await task.ConfigureAwait(false);
                }
            }
            catch (TargetInvocationException e) when (e.InnerException is CompositionCapturedException)
            {
            }
            catch (CompositionCapturedException)
            {
            }
        }).ConfigureAwait(false);
        return _captured.Task.IsCompleted
            ? await _captured.Task.ConfigureAwait(false)
            : throw new DistributedApplicationException($"The AppHost '{AppHostAssembly.GetName().Name}' returned without calling builder.Build().");
    }
}

/// <summary>Unwinds the AppHost's Program.cs once the test has its composition; never seen outside the test builder.</summary>
internal sealed class CompositionCapturedException() : Exception("The composition was handed to the test builder.");
