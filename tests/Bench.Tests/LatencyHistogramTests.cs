namespace Shop.Bench.Tests;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_of_known_data_are_within_half_a_percent()
    {
        var histogram = new LatencyHistogram();
        for (var value = 1; value <= 100_000; value++)
        {
            histogram.Record(value);
        }

        Assert.Equal(100_000, histogram.Count);
        AssertClose(50_000, histogram.Percentile(50));
        AssertClose(99_000, histogram.Percentile(99));
        AssertClose(99_900, histogram.Percentile(99.9));
        Assert.Equal(100_000, histogram.MaxMicroseconds);
        Assert.Equal(1, histogram.MinMicroseconds);
        Assert.Equal(50_000.5, histogram.MeanMicroseconds, precision: 6);
    }

    [Fact]
    public void Small_values_are_exact_and_a_single_outlier_is_the_max()
    {
        var histogram = new LatencyHistogram();
        for (var i = 0; i < 999; i++)
        {
            histogram.Record(100 + (i % 100)); // 100..199 µs, ten of each (nine of 199)
        }
        histogram.Record(2_500_000); // one stall of 2.5 s

        Assert.Equal(149, histogram.Percentile(50));
        Assert.Equal(198, histogram.Percentile(99));
        AssertClose(2_500_000, histogram.Percentile(100));
        Assert.Equal(2_500_000, histogram.MaxMicroseconds);
    }

    [Theory]
    [InlineData(50)]
    [InlineData(90)]
    [InlineData(99)]
    [InlineData(99.9)]
    public void Percentiles_of_random_data_match_the_sorted_samples(double percentile)
    {
        var random = new Random(42);
        var samples = Enumerable.Range(0, 50_000).Select(_ => (long)Math.Exp(random.NextDouble() * 16)).ToArray(); // 1 µs .. 9 s, log-uniform
        var histogram = new LatencyHistogram();
        foreach (var sample in samples)
        {
            histogram.Record(sample);
        }
        Array.Sort(samples);
        var exact = samples[(int)Math.Ceiling(percentile / 100 * samples.Length) - 1];

        AssertClose(exact, histogram.Percentile(percentile));
    }

    [Fact]
    public void Histograms_add_up()
    {
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        for (var i = 1; i <= 100; i++)
        {
            a.Record(i);
            b.Record(i + 100);
        }
        a.Add(b);

        Assert.Equal(200, a.Count);
        Assert.Equal(1, a.MinMicroseconds);
        Assert.Equal(200, a.MaxMicroseconds);
        Assert.Equal(100, a.Percentile(50));
    }

    private static void AssertClose(double expected, double actual) =>
        Assert.True(Math.Abs(actual - expected) <= Math.Max(1, expected * 0.005), $"expected {expected} within 0.5 %, got {actual}");
}
