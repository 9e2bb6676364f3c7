import Foundation
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import Testing

/// What a drain's journal side must keep while it is made cheaper: the values a window hands
/// out, and the counters and lead state a sync step leaves, whatever order its answers come in.
@Suite struct JournalDrainStepTests {
    /// Stored texts the parser-free path of `FieldsCodec.decodeValue` reads, and those it must
    /// leave to the parser: both give what the parser gives.
    @Test func storedValuesDecodeAsTheParserReadsThem() throws {
        var texts = [
            #""""#, #""a""#, #""ada@example.com""#, #""tab\there""#, #""quote \" inside""#, #""é ü 日本""#,
            #""\u00e9""#, "true", "false", "null", "5000", "-1.5e3", #""back\\slash""#, #""""#,
        ]
        var random = SplitMix64(seed: 10)
        let alphabet = Array("ab \"\\\u{1}\t\né日".unicodeScalars)
        for _ in 0..<500 {
            let length = Int(random.next() % 12)
            var s = String.UnicodeScalarView()
            for _ in 0..<length { s.append(alphabet[Int(random.next() % UInt64(alphabet.count))]) }
            texts.append(FieldsCodec.encode(.string(String(s))))
        }
        for text in texts {
            let parsed = try JSONParser.parse(text).fieldValue
            #expect(try FieldsCodec.decodeValue(text) == parsed, "\(text)")
        }
    }

    /// A sync step's answers in descending lead order, with a lead whose two pending fields
    /// come from one change and a value with escapes: the counters match the leads (`check`),
    /// and each lead's state is what its answer says.
    @Test func answersInAnyOrderLeaveTheCountersExact() async throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"), options: JournalOptions(synchronous: .normal))
        for n in 1...5 {
            try await journal.changeLog.record(
                lead: "L-\(n)", fields: ["email": .string("l\(n)@example.com"), "first_name": .string("N \"\(n)\"")])
        }
        try await journal.changeLog.record(lead: "L-3", fields: ["last_name": .string("Later")])
        try await journal.changeLog.fold()
        var status = try await journal.leads.status()
        #expect(status.pendingLeads == 5 && status.pendingChanges == 6)

        let window = try await journal.leads.pendingLeads(limit: 10)
        #expect(window.map(\.lead) == ["L-1", "L-2", "L-3", "L-4", "L-5"])
        let third = try #require(window.first { $0.lead == "L-3" })
        #expect(third.identity == .string("l3@example.com"))
        #expect(third.fields.first { $0.field == "first_name" }?.value == .string("N \"3\""))

        // L-5, L-4 and L-2 delivered; L-3 only its first change (its last name stays pending); L-1 unanswered.
        let outcomes = window.reversed().filter { $0.lead != "L-1" }.map { lead in
            LeadOutcome(
                lead: lead.lead, remoteID: .set("r\(lead.cursor)"),
                fields: lead.fields.filter { $0.field != "last_name" }.map {
                    .init(
                        field: $0.field, seq: $0.seq,
                        result: .delivered(property: $0.property, sent: $0.value.wireString))
                })
        }
        try await journal.ledger.recordSyncStep(outcomes: outcomes, marks: [:])

        status = try await journal.leads.status()
        #expect(status.pendingLeads == 2 && status.pendingChanges == 2)
        #expect(try await journal.maintenance.check() == [])
        let left = try await journal.leads.pendingLeads(limit: 10)
        #expect(left.map(\.lead) == ["L-1", "L-3"])
        #expect(left.last?.fields.map(\.field) == ["last_name"] && left.last?.remoteID == "r3")
        let bases = try await journal.ledger.baseValues(lead: "L-4")
        #expect(bases == ["email": "l4@example.com", "firstname": "N \"4\""])
    }
}
