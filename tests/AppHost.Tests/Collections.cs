namespace Shop.AppHost.Tests;

/// <summary>
/// Every test class of this project but one runs in this collection, one test at a time: several start servers or
/// an AppHost of their own, and a 2-core machine that also runs the other test lane takes one such start at a time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class OneAtATime
{
    public const string Name = "one at a time";
}

/// <summary>
/// <see cref="StrayEpmdTests"/> mostly waits (RabbitMQ's epmd monitor looks once a minute) with one broker running:
/// it runs beside <see cref="OneAtATime"/> instead of holding up the lane for a minute and a quarter.
/// </summary>
[CollectionDefinition(Name)]
public sealed class EpmdMonitorWait
{
    public const string Name = "epmd monitor wait";
}
