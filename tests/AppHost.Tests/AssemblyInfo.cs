// DataVolumeTests and StrayEpmdTests each start servers of their own: one at a time on a 2-core machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
