import ArgumentParser
import Foundation
import LeadSyncWorkload

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a deterministic generated lead set as NDJSON (for tests, demos and benchmarks).")

    // Unused, but accepted like every command's (`leadsync --db X generate` must not fail).
    @OptionGroup var global: GlobalOptions
    @Option(help: "Distinct leads.") var leads = 1_000
    @Option(help: "Changes in total (the first LEADS create the leads).") var changes = 10_000
    @Option(help: "Seed: the same seed gives the same lines.") var seed: UInt64 = 1
    @Option(help: "How unevenly updates fall on leads (1 = uniform).") var skew = 2.0
    @Option(help: "Share of leads without an email.") var noEmailShare = 0.05
    @Option(help: "Share of changes with a value HubSpot would refuse.") var invalidShare = 0.0
    @Option(help: "Share of updates that arrive late (older `at`).") var lateShare = 0.01
    @Option(help: "Conversations (message and summary lines) over the leads, after the changes.") var conversations = 0
    @Option(help: "Mean messages per conversation.") var meanMessages = 5
    @Option(name: .shortAndLong, help: "Write to this file instead of stdout.") var output: String?

    func validate() throws {
        guard leads > 0 else { throw ValidationError("--leads must be at least 1") }
        guard changes >= 0 else { throw ValidationError("--changes must be 0 or more") }
        for (name, share) in [
            ("--no-email-share", noEmailShare), ("--invalid-share", invalidShare), ("--late-share", lateShare),
        ]
        where !(0...1).contains(share) {
            throw ValidationError("\(name) must be between 0 and 1")
        }
        guard skew >= 1 else { throw ValidationError("--skew must be 1 or more") }
        guard conversations >= 0 else { throw ValidationError("--conversations must be 0 or more") }
        guard meanMessages >= 1 else { throw ValidationError("--mean-messages must be at least 1") }
    }

    func run() throws {
        var spec = WorkloadSpec(leads: leads, changes: changes, seed: seed)
        spec.skew = skew
        spec.noEmailShare = noEmailShare
        spec.invalidShare = invalidShare
        spec.lateShare = lateShare
        let handle: FileHandle
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: nil) else {
                throw CommandError(.failure, "cannot create \(output)")
            }
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        } else {
            handle = FileHandle.standardOutput
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        func write(_ line: String) {
            buffer.append(contentsOf: line.utf8)
            buffer.append(UInt8(ascii: "\n"))
            if buffer.count >= 1 << 20 {
                handle.write(Data(buffer))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        for change in LeadSetGenerator(spec) { write(change.ndjsonLine) }
        for line in ConversationGenerator(
            ConversationSpec(spec, conversations: conversations, meanMessages: meanMessages))
        {
            write(line.ndjsonLine)
        }
        handle.write(Data(buffer))
        if output != nil { try handle.close() }
    }
}
