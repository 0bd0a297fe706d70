// Each test class runs whole AppHost processes (or, for the refused password, most of one): one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
