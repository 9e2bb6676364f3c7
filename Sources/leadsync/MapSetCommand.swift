public import ArgumentParser
public import LeadSyncJournal

struct MapSetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Add or change a mapping; every lead's current value of the field becomes pending.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The lead field.") var leadField: String
    @Argument(help: "The HubSpot contact property.") var hubspotProperty: String
    @Option(help: "overwrite or if-empty.") var write: Mapping.WriteRule = .overwrite
    @Flag(help: "Map a field no lead in this journal has carried yet.") var force = false

    func run() async throws {
        let replaced = try await global.withWorkspace { workspace in
            try await checkSeen(workspace.leads)
            return try await workspace.configuration.setMapping(
                Mapping(field: leadField, property: hubspotProperty, write: write))
        }
        if let replaced {
            Output.note("replaced the mapping \(replaced.field) → \(replaced.property): its pending values stay local")
        }
        Output.note("mapped \(leadField) → \(hubspotProperty) (\(write.rawValue))")
    }

    /// A field no change has carried is most likely a typo, and mapping it would take the
    /// property from the field that does carry it: refused unless `--force`. A journal with no
    /// changes yet cannot tell, so there it is only a warning (mappings set up before any lead).
    private func checkSeen(_ leads: any LeadStoreProtocol) async throws {
        let seen = try await leads.fieldsSeen()
        guard !seen.contains(leadField) else { return }
        if force || seen.isEmpty {
            Output.note("warning: no lead in this journal has carried the field \(leadField) yet")
            return
        }
        let closest = seen.min { Self.distance($0, leadField) < Self.distance($1, leadField) }
        let hint = closest.map { " (did you mean \($0)?)" } ?? ""
        throw CommandError(
            .usage,
            "no lead in this journal has carried the field \(leadField)\(hint); pass --force to map it before any lead does"
        )
    }

    /// The edit distance between two field names (Levenshtein), to suggest the one meant.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}

extension Mapping.WriteRule: ExpressibleByArgument {}
