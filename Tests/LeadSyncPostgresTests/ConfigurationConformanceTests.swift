import LeadSyncJournal
import LeadSyncPostgres
import Testing

/// The configuration store's contract, run on SQLite and on a PostgreSQL tenant: both must
/// answer every case the same.
@Suite struct ConfigurationConformanceTests {
    @Test(arguments: StoreBackend.allCases)
    func settingsAreStoredReplacedAndRemoved(backend: StoreBackend) async throws {
        try await backend.withConfiguration { configuration in
            #expect(try await configuration.setting(.accountID) == nil)
            try await configuration.setSettings([.accountID: "42", .timeZone: "Europe/Paris", .lastError: nil])
            try await configuration.setSetting(.accountID, "43")
            #expect(try await configuration.setting(.accountID) == "43")
            try await configuration.setSettings([.timeZone: nil, .scopes: "crm.objects.contacts.write"])
            #expect(try await configuration.settings() == [.accountID: "43", .scopes: "crm.objects.contacts.write"])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func pushRulesDefaultOnAndCreateNeedsUpdate(backend: StoreBackend) async throws {
        try await backend.withConfiguration { configuration in
            #expect(try await configuration.pushRules() == PushRules(update: true, create: true))
            let off = try await configuration.setPushRules(update: false, create: nil)
            #expect(off.rules == PushRules(update: false, create: false) && off.createTurnedOff)
            await #expect(throws: JournalError.self) { try await configuration.setPushRules(update: nil, create: true) }
            #expect(try await configuration.pushRules() == PushRules(update: false, create: false))
            let on = try await configuration.setPushRules(update: true, create: true)
            #expect(on.rules == PushRules(update: true, create: true) && !on.createTurnedOff)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func pullRulesAreNumberedFromOneAndRemovedById(backend: StoreBackend) async throws {
        try await backend.withConfiguration { configuration in
            let first = try await configuration.addPullRule(property: "lifecyclestage", op: .eq, values: ["lead"])
            let second = try await configuration.addPullRule(property: "country", op: .in, values: ["FR", "DE"])
            let third = try await configuration.addPullRule(property: "phone", op: .hasValue, values: [])
            #expect([first.id, second.id, third.id] == ["1", "2", "3"])
            #expect(try await configuration.pullRules() == [first, second, third])
            await #expect(throws: JournalError(.invalidRule, "--eq takes exactly one value")) {
                try await configuration.addPullRule(property: "country", op: .eq, values: ["FR", "DE"])
            }
            try await configuration.removePullRule(id: "2")
            #expect(try await configuration.pullRules() == [first, third])
            for id in ["2", "x"] {
                await #expect(throws: JournalError(.unknownPullRule, "no pull rule with id \(id)")) {
                    try await configuration.removePullRule(id: id)
                }
            }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func mappingsStartAsTheDefaultsAndKeepOneFieldPerProperty(backend: StoreBackend) async throws {
        try await backend.withConfiguration { configuration in
            #expect(try await configuration.mappings() == Mapping.defaults.sorted { $0.field < $1.field })
            #expect(try await configuration.setMapping(Mapping(field: "mobile", property: "mobilephone")) == nil)
            let replaced = try await configuration.setMapping(Mapping(field: "cell", property: "mobilephone"))
            #expect(replaced == Mapping(field: "mobile", property: "mobilephone"))
            #expect(
                try await configuration.setMapping(Mapping(field: "cell", property: "mobilephone", write: .ifEmpty))
                    == nil)
            await #expect(throws: JournalError.self) {
                try await configuration.setMapping(Mapping(field: "email", property: "work_email"))
            }
            await #expect(throws: JournalError.self) { try await configuration.removeMapping(field: "email") }
            #expect(try await !configuration.removeMapping(field: "fax"))
            #expect(try await configuration.removeMapping(field: "phone"))
            let mappings = try await configuration.mappings()
            #expect(mappings.contains(Mapping(field: "cell", property: "mobilephone", write: .ifEmpty)))
            #expect(!mappings.contains { $0.field == "mobile" || $0.field == "phone" })
        }
    }
}

/// Tenants of one PostgreSQL store never see each other's configuration.
@Suite struct TenantIsolationTests {
    @Test func aTenantSeesOnlyItsOwnConfiguration() async throws {
        try await StoreBackend.withPostgresStore { store in
            let acme = try await store.tenant("acme").configuration
            let globex = try await store.tenant("globex").configuration
            try await acme.setSettings([.accountID: "1001", .timeZone: "Europe/Paris"])
            _ = try await acme.setPushRules(update: false, create: nil)
            _ = try await acme.addPullRule(property: "country", op: .eq, values: ["FR"])
            _ = try await acme.setMapping(Mapping(field: "mobile", property: "mobilephone"))
            _ = try await acme.removeMapping(field: "website")

            #expect(try await globex.settings() == [:])
            #expect(try await globex.pushRules() == PushRules())
            #expect(try await globex.pullRules() == [])
            #expect(try await globex.mappings() == Mapping.defaults.sorted { $0.field < $1.field })
            #expect(try await globex.addPullRule(property: "city", op: .notSet, values: []).id == "1")
            await #expect(throws: JournalError.self) { try await globex.removePullRule(id: "2") }
            try await globex.removePullRule(id: "1")
            #expect(try await acme.pullRules().map(\.property) == ["country"])
            #expect(try await acme.setting(.accountID) == "1001")

            let again = try await store.tenant("acme").configuration
            #expect(try await again.mappings().contains { $0.field == "mobile" })
        }
    }

    @Test func aTenantIdMustBeText() async throws {
        try await StoreBackend.withPostgresStore { store in
            for id in ["", "a\nb"] {
                await #expect(throws: PostgresStoreError.self) { try await store.tenant(id) }
            }
        }
    }
}
