// The generator's timing tests must not share the CPU with the smoke run's app start-up.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
