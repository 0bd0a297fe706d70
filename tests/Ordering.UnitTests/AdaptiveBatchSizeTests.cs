using Shop.Ordering.Worker.Reservations;

namespace Shop.Ordering.UnitTests;

/// <summary>Batches grow while a backlog builds (each full), up to the maximum, and shrink back once they run small.</summary>
public sealed class AdaptiveBatchSizeTests
{
    [Fact]
    public void Full_batches_double_the_next_up_to_the_maximum()
    {
        var size = new AdaptiveBatchSize(200, 1000);
        Assert.Equal(200, size.Current);
        size.Observe(200);
        Assert.Equal(400, size.Current);
        size.Observe(400);
        size.Observe(800);
        Assert.Equal(1000, size.Current);
        size.Observe(1000);
        Assert.Equal(1000, size.Current);
    }

    [Fact]
    public void Batches_a_quarter_full_or_less_halve_the_next_down_to_the_minimum_and_in_between_nothing_moves()
    {
        var size = new AdaptiveBatchSize(200, 1000);
        size.Observe(200);
        size.Observe(400);
        Assert.Equal(800, size.Current);
        size.Observe(201);
        Assert.Equal(800, size.Current);
        size.Observe(200);
        Assert.Equal(400, size.Current);
        size.Observe(3);
        size.Observe(3);
        Assert.Equal(200, size.Current);
    }

    [Fact]
    public void A_maximum_equal_to_the_minimum_never_grows()
    {
        var size = new AdaptiveBatchSize(200, 200);
        size.Observe(200);
        Assert.Equal(200, size.Current);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdaptiveBatchSize(200, 100));
    }
}
