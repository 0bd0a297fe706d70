// One whole composition and one browser: one test at a time on a 2-core machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
