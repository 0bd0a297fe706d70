// Each test class runs whole AppHost processes: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
