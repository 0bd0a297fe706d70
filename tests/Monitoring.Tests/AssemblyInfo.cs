// The app tests start a whole Shop: one at a time on a 2-core machine, and never beside the promtool runs' timing.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
