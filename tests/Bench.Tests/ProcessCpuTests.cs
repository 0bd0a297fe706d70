using System.Diagnostics;

namespace Shop.Bench.Tests;

/// <summary>The per-process CPU table adds up to the machine's, also when processes end during the measurement.</summary>
public sealed class ProcessCpuTests
{
    [Fact]
    public async Task A_child_that_ends_during_the_measurement_is_counted_for_its_parent()
    {
        // A parent that starts a child after the meter has started, lets it do a fixed amount of work (a count to
        // 300,000: a few tenths of a second of CPU however busy the machine is), reaps it and says so.
        using var parent = Process.Start(new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { "-c", "read go; (i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done) & wait; echo reaped; read end" },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        })!;
        try
        {
            var cpu = new ProcessCpu(new Dictionary<string, IReadOnlyList<int>> { ["parent"] = [parent.Id] });
            cpu.Start();
            var clock = Stopwatch.StartNew();
            await parent.StandardInput.WriteLineAsync("go");
            await parent.StandardInput.FlushAsync();
            Assert.Equal("reaped", await parent.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2)));
            var shares = cpu.Stop();
            var seconds = clock.Elapsed.TotalSeconds;

            // The child's count takes 0.2–0.5 s of CPU here; without the reaped children's time the part shows ~0.
            var parentSeconds = shares.Single(s => s.Part == "parent").Cores * seconds;
            Assert.True(parentSeconds >= 0.1, $"the parent's part used {parentSeconds:F2} s of CPU; its child counted to 300,000");

            var machine = shares.Single(s => s.Part == ProcessCpu.MachineTotal).Cores;
            var parts = shares.Where(s => s.Part is not (ProcessCpu.MachineTotal or ProcessCpu.Steal)).Sum(s => s.Cores);
            Assert.Equal(machine, parts, 6);
            Assert.All(shares, s => Assert.True(s.Cores >= -0.1, $"{s.Part}: {s.Cores:F2} cores"));
        }
        finally
        {
            parent.Kill(entireProcessTree: true);
            await parent.WaitForExitAsync();
        }
    }
}
