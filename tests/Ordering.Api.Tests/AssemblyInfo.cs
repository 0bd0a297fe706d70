// Each fixture runs the whole composition (three servers, five .NET processes) on a 2-core machine: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
