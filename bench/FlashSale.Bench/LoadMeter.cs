namespace Shop.Bench;

/// <summary>
/// What is measured while one load runs: the CPU of every part (<see cref="ProcessCpu"/>, always), and, once the run
/// profiles (<c>--perf</c>, after the warm-up), a <see cref="PerfRecording"/> of the whole machine over the same window.
/// </summary>
/// <param name="startRecording">Starts the recording of a load (label, the meter's parts), or returns null when the run does not profile.</param>
public sealed class LoadMeter(ProcessCpu cpu, string label, Func<string, ProcessCpu, PerfRecording?> startRecording, Action<PerfRecording> recorded)
{
    private PerfRecording? _recording;

    public void Start()
    {
        _recording = startRecording(label, cpu);
        cpu.Start();
    }

    public IReadOnlyList<CpuShare> Stop()
    {
        var shares = cpu.Stop();
        if (_recording is { } recording)
        {
            recording.Stop();
            recorded(recording);
            _recording = null;
        }
        return shares;
    }
}
