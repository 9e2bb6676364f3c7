public import ArgumentParser
public import LeadSyncJournal

struct MapSetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Add or change a mapping; every lead's current value of the field becomes pending.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The lead field.") var leadField: String
    @Argument(help: "The HubSpot contact property.") var hubspotProperty: String
    @Option(help: "overwrite or if-empty.") var write: Mapping.WriteRule = .overwrite

    func run() async throws {
        let journal = try global.openJournal()
        let replaced = try await journal.configuration.setMapping(Mapping(field: leadField, property: hubspotProperty, write: write))
        if let replaced {
            Output.note("replaced the mapping \(replaced.field) → \(replaced.property): its pending values stay local")
        }
        Output.note("mapped \(leadField) → \(hubspotProperty) (\(write.rawValue))")
    }
}

extension Mapping.WriteRule: ExpressibleByArgument {}
