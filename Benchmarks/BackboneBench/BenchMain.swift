import ArgumentParser

/// Drives the event backbone against the real servers: the benchmark of docs/benchmarks.md and
/// the roles the failure tests start as separate processes (relay, consumer, producer, lock
/// contender). Connection settings come from ORCH_DATABASE_URL (a role that may create schemas),
/// ORCH_AMQP_URL and ORCH_REDIS_URL.
@main
struct BenchMain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orchestrator-backbone-bench",
        abstract: "Benchmark and exercise the event backbone against real servers.",
        subcommands: [Benchmark.self, Prepare.self, Produce.self, Relay.self, Consume.self, Contend.self]
    )
}
