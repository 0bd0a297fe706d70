// Two collections side by side (Collections.cs): the epmd monitor's minute-long wait, and everything else one test at a time.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]
