// Each fixture starts a whole composition (servers and services): one at a time on a small machine, and the
// Redis-outage collection must not run while another collection relies on Redis.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
