import HubSpotAPI
import LeadSyncSupport
import Testing

@testable import LeadSyncEngine

@Suite struct ValueConverterTests {
    let budget = PropertyDefinition(name: "budget", type: "number", fieldType: "number")
    let closeDate = PropertyDefinition(name: "close_date", type: "date", fieldType: "date")
    let lastSeen = PropertyDefinition(name: "last_seen", type: "datetime", fieldType: "date")
    let booked = PropertyDefinition(name: "meeting_booked", type: "bool", fieldType: "booleancheckbox")
    let band = PropertyDefinition(
        name: "band", type: "enumeration", fieldType: "select",
        options: [.init(label: "Small", value: "small"), .init(label: "Large", value: "large")])
    let tags = PropertyDefinition(
        name: "tags", type: "enumeration", fieldType: "checkbox",
        options: [.init(label: "A", value: "a"), .init(label: "B", value: "b")])
    let company = PropertyDefinition(name: "company", type: "string", fieldType: "text")
    let email = PropertyDefinition(name: "email", type: "string", fieldType: "text")

    func wire(_ value: FieldValue, _ definition: PropertyDefinition?, _ name: String? = nil) -> String? {
        try? ValueConverter.wireValue(value, for: definition, property: name ?? definition?.name ?? "x").get()
    }

    func refusal(_ value: FieldValue, _ definition: PropertyDefinition?, _ name: String? = nil) -> Refusal? {
        if case .failure(let refusal) = ValueConverter.wireValue(
            value, for: definition, property: name ?? definition?.name ?? "x")
        {
            return refusal
        }
        return nil
    }

    @Test func numbersKeepTheirDecimalText() {
        #expect(wire(.number("5000"), budget) == "5000")
        #expect(wire(.number("0.10"), budget) == "0.10")
        #expect(wire(.string(" 12.5 "), budget) == "12.5")
        #expect(wire(.string("-3"), budget) == "-3")
    }

    @Test(arguments: ["12a", "1.2.3", "", "-", "1e3", "one"])
    func badNumbersAreRefusedLikeHubSpot(_ text: String) throws {
        let refused = try #require(refusal(.string(text), budget))
        #expect(refused.category == "VALIDATION_ERROR")
        #expect(refused.message.hasPrefix("Property values were not valid: ["))
        #expect(Refusal.propertyNames(inValidationMessage: refused.message) == ["budget"])
    }

    @Test func nullClearsEveryType() {
        for definition in [budget, closeDate, lastSeen, booked, band, company] {
            #expect(wire(.null, definition) == "")
        }
    }

    @Test func booleansAreTrueOrFalse() {
        #expect(wire(.bool(true), booked) == "true")
        #expect(wire(.string("FALSE"), booked) == "false")
        #expect(wire(.bool(false), company) == "false")
        #expect(refusal(.string("yes"), booked)?.message.contains("INVALID_BOOLEAN") == true)
    }

    @Test func datesAreDaysOrEpochMillisecondsAtUTCMidnight() {
        #expect(wire(.string("2015-05-01"), closeDate) == "2015-05-01")
        #expect(wire(.number("1430438400000"), closeDate) == "1430438400000")
        #expect(refusal(.string("2015-02-30"), closeDate) != nil)
        #expect(refusal(.string("2015-05-01T10:00:00Z"), closeDate)?.message.contains("not midnight!") == true)
        #expect(refusal(.string("soon"), closeDate)?.message.contains("soon was not a valid date.") == true)
        let notMidnight = refusal(.number("1635535865"), closeDate)
        #expect(notMidnight?.message.contains("1635535865 is at 22:18:55.865 UTC, not midnight!") == true)
        #expect(notMidnight?.message.contains("INVALID_DATE") == true)
    }

    @Test func datetimesAreRFC3339OrEpochMilliseconds() {
        #expect(wire(.string("2026-11-28T10:15:00Z"), lastSeen) == "2026-11-28T10:15:00Z")
        #expect(wire(.number("1764324900000"), lastSeen) == "1764324900000")
        #expect(wire(.string("2026-11-28"), lastSeen) == "2026-11-28")
        #expect(refusal(.string("yesterday"), lastSeen) != nil)
        #expect(refusal(.bool(true), lastSeen) != nil)
    }

    @Test func enumerationsTakeOptionValues() {
        #expect(wire(.string("small"), band) == "small")
        let refused = refusal(.string("Small"), band)
        #expect(refused?.message.contains("Small was not one of the allowed options: [small, large]") == true)
        #expect(wire(.string("a;b"), tags) == "a;b")
        #expect(wire(.string(";b"), tags) == ";b")
        #expect(refusal(.string("a;c"), tags) != nil)
    }

    @Test func stringsOverTheLimitAreRefusedNotTruncated() {
        let long = String(repeating: "x", count: ValueConverter.maximumStringLength + 1)
        #expect(refusal(.string(long), company)?.message.contains("INVALID_STRING_LENGTH") == true)
        let atLimit = String(repeating: "x", count: ValueConverter.maximumStringLength)
        #expect(wire(.string(atLimit), company) == atLimit)
    }

    @Test func unknownAndReadOnlyPropertiesAreRefused() {
        let missing = refusal(.string("v"), nil, "testproperty")
        #expect(missing?.message.contains(#"Property \"testproperty\" does not exist"#) == true)
        #expect(missing?.message.contains("PROPERTY_DOESNT_EXIST") == true)
        let created = PropertyDefinition(name: "createdate", type: "datetime", fieldType: "date", readOnlyValue: true)
        #expect(refusal(.string("2026-01-01T00:00:00Z"), created)?.message.contains("READ_ONLY_VALUE") == true)
    }

    @Test func emailIsTrimmedLowercasedAndChecked() {
        #expect(wire(.string("  Ada@Example.COM "), email) == "ada@example.com")
        let refused = refusal(.string("ada@example"), email)
        #expect(refused?.message.contains("INVALID_EMAIL") == true)
        #expect(Refusal.propertyNames(inValidationMessage: refused?.message ?? "") == ["email"])
    }
}

@Suite struct EmailAddressTests {
    @Test(arguments: ["ada@example.com", " GRACE@Navy.Mil ", "a.b+c@sub.example.co.uk", "x@y-z.io"])
    func acceptsUsualAddresses(_ text: String) {
        #expect(EmailAddress(text) != nil)
    }

    @Test(arguments: [
        "", "ada", "ada@", "@example.com", "a@b@c.com", "ada@example", "a b@example.com",
        "ada@example.c", "ada@-example.com", "ada@example..com", "ada@exa_mple.com", "ada@example.c0m",
    ])
    func refusesMalformedAddresses(_ text: String) {
        #expect(EmailAddress(text) == nil)
    }

    @Test func normalisesCaseAndWhitespace() {
        #expect(EmailAddress("  Ada@Example.COM\n")?.value == "ada@example.com")
    }

    @Test func textBeyondASCIIIsCheckedOnCharacters() {
        #expect(EmailAddress("\u{00A0}Ada@Exämple.COM\u{2003}")?.value == "ada@exämple.com")
        #expect(EmailAddress("ada@example.cöm")?.value == "ada@example.cöm")
        #expect(EmailAddress("a\u{00A0}b@example.com") == nil)
        #expect(EmailAddress("ada@example.c١") == nil)
    }

    /// The byte path must agree with the check on characters for every ASCII text: 30,000 seeded
    /// texts over the bytes that matter (case, separators, every kind of ASCII space and control).
    @Test func asciiPathAgreesWithTheCharacterCheck() {
        let alphabet: [UInt8] = Array("aZz09@.-_+ ".utf8) + [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1F, 0x7F, 0x00]
        var random = SplitMix64(seed: 2026)
        var disagreements: [String] = []
        var valid = 0
        for _ in 0..<30_000 {
            var bytes = (0..<Int.random(in: 0...14, using: &random)).map { _ in alphabet.randomElement(using: &random)!
            }
            // Most random texts fail early; a well-formed core makes the later checks count too.
            if Bool.random(using: &random) { bytes.insert(contentsOf: Array("Ab@Cd.Ef".utf8), at: bytes.count / 2) }
            let text = String(decoding: bytes, as: UTF8.self)
            let fast = EmailAddress(text)?.value
            if fast != nil { valid += 1 }
            if fast != EmailAddress.checkUnicode(text) { disagreements.append(text.debugDescription) }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
        #expect(valid > 200)
    }
}
