// RunningMonitoringTests starts a whole Shop: one test at a time on a 2-core machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
