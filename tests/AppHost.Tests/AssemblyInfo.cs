// Each of these tests starts whole applications or AppHost processes: one at a time on a 2-core machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
