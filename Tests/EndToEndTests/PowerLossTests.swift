import Foundation
import LeadSyncSupport
import LeadSyncTestKit
import Testing

/// Reliability suite, item 3: a power loss keeps every acknowledged append at the default
/// durability (`full`), and `normal` is shown to lose the last ones.
///
/// `leadsync ingest --batch-size 50 --print-commits` runs under an LD_PRELOAD shim
/// (Tests/Fixtures/power-loss/durable-snapshot.c) that copies each file as it is at every
/// successful fsync: the state a disk promises to keep. The ingest is killed after a random
/// number of acknowledged commits, then the power is "cut": each journal file is replaced by its
/// last synced copy (removed if never synced) and the shared-memory index is dropped. The journal
/// must pass its integrity check and hold every acknowledged line.
///
/// `LEADSYNC_POWER_LOSS_TRIALS` (default 3) and `LEADSYNC_POWER_LOSS_SEED` choose the run;
/// `scripts/power-loss.sh` runs a longer one and prints the figures.
@Suite(.hangGuard) struct PowerLossTests {
    static let environment = ProcessInfo.processInfo.environment
    static let trials = environment["LEADSYNC_POWER_LOSS_TRIALS"].flatMap(Int.init) ?? 3
    static let seed = environment["LEADSYNC_POWER_LOSS_SEED"].flatMap(UInt64.init) ?? 2_026

    @Test func fullDurabilityLosesNoAcknowledgedAppend() throws {
        let shim = try DurableSnapshotShim()
        var random = SplitMix64(seed: Self.seed)
        var lost: [Int] = []
        for trial in 0..<Self.trials {
            let outcome = try PowerLossTrial(shim: shim, synchronous: "full").run(commits: 1 + Int(random.next() % 8))
            #expect(outcome.integrityOK, "seed \(Self.seed), trial \(trial)")
            lost.append(outcome.lost)
        }
        #expect(lost.allSatisfy { $0 == 0 }, "seed \(Self.seed): acknowledged lines lost per trial: \(lost)")
        print("power loss, full, seed \(Self.seed): \(Self.trials) trials, acknowledged lines lost: \(lost)")
    }

    /// The control that shows the shim really drops unsynced writes: with `normal`, commits are
    /// acknowledged before they are synced, and a power cut takes them.
    @Test func normalDurabilityLosesTheLastAcknowledgedAppends() throws {
        let shim = try DurableSnapshotShim()
        var random = SplitMix64(seed: Self.seed)
        var lost: [Int] = []
        for trial in 0..<Self.trials {
            let outcome = try PowerLossTrial(shim: shim, synchronous: "normal").run(commits: 1 + Int(random.next() % 8))
            #expect(outcome.integrityOK, "seed \(Self.seed), trial \(trial)")
            lost.append(outcome.lost)
        }
        #expect(lost.contains { $0 > 0 }, "seed \(Self.seed): normal lost nothing: \(lost)")
        print("power loss, normal, seed \(Self.seed): \(Self.trials) trials, acknowledged lines lost: \(lost)")
    }
}

/// Tests/Fixtures/power-loss/durable-snapshot.c, compiled.
struct DurableSnapshotShim {
    let shim: PreloadShim

    init() throws { shim = try PreloadShim(fixture: "power-loss/durable-snapshot.c") }

    /// The environment that runs a process under the shim, snapshotting files in `directory`.
    func environment(for directory: TemporaryDirectory) -> [String: String] {
        ["LD_PRELOAD": shim.library, "POWERLOSS_DIR": directory.url.path + "/"]
    }
}

/// One ingest killed after `commits` acknowledged commits, then a power cut.
struct PowerLossTrial {
    struct Outcome {
        var acknowledged = 0
        var lost = 0
        var integrityOK = false
    }

    let shim: DurableSnapshotShim
    let synchronous: String

    func run(commits: Int) throws -> Outcome {
        let cli = try LeadsyncCLI()
        let environment = shim.environment(for: cli.directory).merging(["LEADSYNC_SYNCHRONOUS": synchronous]) { $1 }
        #expect(try cli.run(["init"], environment: environment).status == 0)
        let input = cli.directory.path("input.ndjson")
        let lines = (1...5_000).map { #"{"lead":"P-\#($0)","fields":{"email":"p\#($0)@example.com","n":\#($0)}}"# }
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: input))

        let child = try cli.executable.start(
            ["ingest", input, "--batch-size", "50", "--print-commits"],
            environment: environment.merging(["LEADSYNC_DB": cli.db]) { $1 })
        var outcome = Outcome()
        var seen = 0
        while seen < commits, let line = child.nextErrorLine() {
            guard line.hasPrefix("committed") else { continue }
            outcome.acknowledged = Int(line.split(separator: " ").last!)!
            seen += 1
        }
        child.kill()
        child.wait()

        try cutPower(cli)
        let check = try cli.run(["journal", "check"])
        outcome.integrityOK = check.status == 0
        let (_, status) = try cli.json("status")
        let entries = (status as? [String: Any])?["journal_entries"] as? Int ?? 0
        outcome.lost = max(0, outcome.acknowledged - entries)
        return outcome
    }

    /// Every journal file becomes what its last fsync left; the shared-memory index is gone.
    private func cutPower(_ cli: LeadsyncCLI) throws {
        let files = FileManager.default
        for name in [cli.db, cli.db + "-wal", cli.db + "-journal"] {
            if files.fileExists(atPath: name + ".durable") {
                #expect(rename(name + ".durable", name) == 0)
            } else {
                try? files.removeItem(atPath: name)
            }
        }
        try? files.removeItem(atPath: cli.db + "-shm")
        for name in try files.contentsOfDirectory(atPath: cli.directory.url.path) where name.contains(".durable") {
            try files.removeItem(atPath: cli.directory.path(name))
        }
    }
}
