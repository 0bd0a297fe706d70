// One composition and one browser at a time on a small machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
