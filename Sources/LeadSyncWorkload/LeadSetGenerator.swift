internal import Foundation
internal import LeadSyncSupport

/// A deterministic, streaming generator of lead changes: it holds one change at a time, so it
/// can produce 10^7 changes in constant memory.
///
/// ```swift
/// for change in LeadSetGenerator(WorkloadSpec(leads: 1_000, changes: 10_000, seed: 42)) {
///     print(change.ndjsonLine)
/// }
/// ```
///
/// Each lead's identity (name, email, company) comes from a generator seeded by the spec's seed
/// and the lead's index, so it is the same in every change of that lead and in every run.
package struct LeadSetGenerator: Sequence, IteratorProtocol {
    package let spec: WorkloadSpec
    private var random: SplitMix64
    private var produced = 0

    package init(_ spec: WorkloadSpec) {
        self.spec = spec
        self.random = SplitMix64(seed: spec.seed)
    }

    /// The id of lead number `index` (0-based): `L-0000001` style, sortable.
    package static func leadID(_ index: Int) -> String {
        let digits = String(index + 1)
        return "L-" + String(repeating: "0", count: Swift.max(0, 7 - digits.count)) + digits
    }

    package mutating func next() -> GeneratedChange? {
        guard produced < spec.changes else { return nil }
        defer { produced += 1 }
        var at = spec.startMilliseconds + Int64(produced) * spec.stepMilliseconds
        let invalid = unit() < spec.invalidShare
        if produced < spec.leads {
            return creation(of: produced, at: at, invalid: invalid)
        }
        let index = Swift.min(spec.leads - 1, Int(Double(spec.leads) * pow(unit(), spec.skew)))
        if unit() < spec.lateShare { at -= Int64(unit() * Double(produced)) * spec.stepMilliseconds }
        return update(of: index, at: at, invalid: invalid)
    }

    private func identity(_ index: Int) -> (first: String, last: String, company: String, hasEmail: Bool) {
        var lead = SplitMix64(seed: spec.seed ^ (UInt64(index) &* 0x9E37_79B9_7F4A_7C15))
        let first = Vocabulary.firstNames.randomElement(using: &lead)!
        let last = Vocabulary.lastNames.randomElement(using: &lead)!
        let company =
            Vocabulary.companyStems.randomElement(using: &lead)! + " "
            + Vocabulary.companySuffixes.randomElement(using: &lead)!
        let hasEmail = Double(lead.next() >> 11) / Double(1 << 53) >= spec.noEmailShare
        return (first, last, company, hasEmail)
    }

    private mutating func creation(of index: Int, at: Int64, invalid: Bool) -> GeneratedChange {
        let person = identity(index)
        var fields: [GeneratedChange.Field] = [
            .init(name: "first_name", value: .string(person.first)),
            .init(name: "last_name", value: .string(person.last)),
            .init(name: "company", value: .string(person.company)),
        ]
        if person.hasEmail {
            let email = invalid ? "\(slug(person.first)).\(index)-at-example.com" : emailAddress(person, index)
            fields.insert(.init(name: "email", value: .string(email)), at: 0)
        }
        if unit() < 0.5 {
            fields.append(.init(name: "job_title", value: .string(Vocabulary.jobTitles.randomElement(using: &random)!)))
        }
        return GeneratedChange(lead: Self.leadID(index), atMilliseconds: at, fields: fields)
    }

    private mutating func update(of index: Int, at: Int64, invalid: Bool) -> GeneratedChange {
        var fields: [GeneratedChange.Field] = []
        switch random.next() % 6 {
        case 0:
            let budget = invalid ? FieldValue.string("about 5k") : .number(String(1_000 * (1 + random.next() % 200)))
            fields.append(.init(name: "budget", value: budget))
        case 1:
            fields.append(.init(name: "meeting_booked", value: .bool(random.next() % 2 == 0)))
        case 2:
            fields.append(.init(name: "job_title", value: .string(Vocabulary.jobTitles.randomElement(using: &random)!)))
        case 3:
            fields.append(
                .init(
                    name: "phone", value: .string("+1 555 \(100 + random.next() % 900) \(1000 + random.next() % 9000)"))
            )
        default:
            let sentences = (0..<(1 + random.next() % 3)).map { _ in
                Vocabulary.summaryPhrases.randomElement(using: &random)!
            }
            fields.append(.init(name: "conversation_summary", value: .string(sentences.joined(separator: " "))))
        }
        if unit() < 0.1 { fields.append(.init(name: "lead_score", value: .number(String(random.next() % 100)))) }
        return GeneratedChange(lead: Self.leadID(index), atMilliseconds: at, fields: fields)
    }

    private func emailAddress(_ person: (first: String, last: String, company: String, hasEmail: Bool), _ index: Int)
        -> String
    {
        "\(slug(person.first)).\(slug(person.last)).\(index)@\(slug(person.company.split(separator: " ")[0])).example"
    }

    private func slug<S: StringProtocol>(_ text: S) -> String {
        String(
            text.lowercased().unicodeScalars.filter {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))
            })
    }

    private mutating func unit() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
}
