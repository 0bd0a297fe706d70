using System.Numerics;

namespace Shop.Bench;

/// <summary>
/// A log-linear histogram of latencies in microseconds (the idea of HdrHistogram, written small): values below
/// 256 µs are counted exactly, larger ones in 128 buckets per power of two, so a reported percentile is within
/// 0.4 % of the true sample (half a bucket of 1/128). Recording is lock-free and allocation-free; min, max, count
/// and sum are exact.
/// </summary>
public sealed class LatencyHistogram
{
    private const int ExactBelow = 256;
    private const int SubBuckets = 128;
    private const int SubBucketBits = 7;

    // Up to 2^40 µs (12 days): more than any run; larger values land in the last bucket.
    private const int Octaves = 40 - 8 + 1;

    private readonly long[] _counts = new long[ExactBelow + (Octaves * SubBuckets)];
    private long _count;
    private long _sum;
    private long _min = long.MaxValue;
    private long _max;

    public long Count => Interlocked.Read(ref _count);

    public long MaxMicroseconds => Count == 0 ? 0 : Interlocked.Read(ref _max);

    public long MinMicroseconds => Count == 0 ? 0 : Interlocked.Read(ref _min);

    public double MeanMicroseconds => Count == 0 ? 0 : (double)Interlocked.Read(ref _sum) / Count;

    public void Record(long microseconds)
    {
        if (microseconds < 0)
        {
            microseconds = 0;
        }
        Interlocked.Increment(ref _counts[Index(microseconds)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sum, microseconds);
        UpdateMin(microseconds);
        UpdateMax(microseconds);
    }

    /// <summary>The smallest recorded value v such that at least <paramref name="percentile"/> % of samples are ≤ v (0 when empty).</summary>
    public double Percentile(double percentile)
    {
        var count = Count;
        if (count == 0)
        {
            return 0;
        }
        var rank = Math.Max(1, (long)Math.Ceiling(percentile / 100.0 * count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Clamp(Representative(i), MinMicroseconds, MaxMicroseconds);
            }
        }
        return MaxMicroseconds;
    }

    /// <summary>Adds another histogram's samples to this one (both must be quiet).</summary>
    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }
        if (other._count > 0)
        {
            _count += other._count;
            _sum += other._sum;
            _min = Math.Min(_min, other._min);
            _max = Math.Max(_max, other._max);
        }
    }

    internal static int Index(long value)
    {
        if (value < ExactBelow)
        {
            return (int)value;
        }
        var msb = 63 - BitOperations.LeadingZeroCount((ulong)value); // ≥ 8
        var shift = msb - SubBucketBits;                             // value >> shift is in [128, 255]
        var octave = Math.Min(msb - 8, Octaves - 1);
        var sub = (int)(value >> shift) - SubBuckets;
        return msb - 8 >= Octaves ? ExactBelow + (Octaves * SubBuckets) - 1 : ExactBelow + (octave * SubBuckets) + sub;
    }

    /// <summary>The middle of a bucket: the reported value is at most half a bucket (0.4 %) from any value in it.</summary>
    internal static double Representative(int index)
    {
        if (index < ExactBelow)
        {
            return index;
        }
        var octave = (index - ExactBelow) / SubBuckets;
        var sub = (index - ExactBelow) % SubBuckets;
        var shift = octave + 8 - SubBucketBits;
        var lower = (long)(SubBuckets + sub) << shift;
        var width = 1L << shift;
        return lower + ((width - 1) / 2.0);
    }

    private void UpdateMin(long value)
    {
        var current = Interlocked.Read(ref _min);
        while (value < current)
        {
            var seen = Interlocked.CompareExchange(ref _min, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }

    private void UpdateMax(long value)
    {
        var current = Interlocked.Read(ref _max);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref _max, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }
}
