public import Testing

extension Trait where Self == TimeLimitTrait {
    /// The time limit of every test that runs real processes or servers: a guard against hangs, not a
    /// speed check. Swift Testing starts a test's clock when the test is scheduled, and on a 2-core
    /// machine the cooperative pool has two threads, so a test may wait minutes behind tests that
    /// block on their child processes before it runs at all: a one-minute limit then failed tests
    /// that were merely queued (the whole suite took 98 s). Speed is measured in Benchmarks/.
    public static var hangGuard: Self { .timeLimit(.minutes(10)) }
}
