// libtorch state is process-wide: the default device (ModelZoo counts parameters on "meta"), the default
// generator (manual_seed / get_rng_state, exact-resume tests) and the thread pool. Test classes running in
// parallel corrupt each other's tensors and seeds (seen: "weight type (MetaFloatType)" errors, resume
// mismatches), and on 2 cores parallel test classes gain little, so the assembly runs its tests one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
