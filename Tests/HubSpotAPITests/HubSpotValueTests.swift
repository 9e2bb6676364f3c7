import HubSpotAPI
import Testing

@Suite("HubSpot's string forms")
struct HubSpotValueTests {
    @Test func datesAreMidnightUTC() {
        #expect(HubSpotValue.date(year: 2015, month: 5, day: 1) == "2015-05-01")
        #expect(HubSpotValue.dateEpochMilliseconds(year: 2015, month: 5, day: 1) == "1430438400000")
        #expect(HubSpotValue.date("2015-05-01") == "2015-05-01")
        #expect(HubSpotValue.date("1430438400000") == "2015-05-01")
        #expect(HubSpotValue.date("2015-05-01T00:00:00Z") == "2015-05-01")
        #expect(HubSpotValue.date("1635535865000") == nil)
        #expect(HubSpotValue.date("2015-05-01T10:00:00Z") == nil)
        #expect(HubSpotValue.date("tomorrow") == nil)
    }

    @Test func datetimesAreUTCWithMilliseconds() {
        #expect(HubSpotValue.datetime("2024-08-15T19:09:13.648+02:00") == "2024-08-15T17:09:13.648Z")
        #expect(HubSpotValue.datetime("1430438400000") == "2015-05-01T00:00:00.000Z")
        #expect(HubSpotValue.datetime("yesterday") == nil)
    }

    @Test func numbersAndBooleans() {
        #expect(HubSpotValue.number("0.10") == "0.10")
        #expect(HubSpotValue.bool(true) == "true")
        #expect(HubSpotValue.string(.null) == "")
        #expect(HubSpotValue.string(.number("1000")) == "1000")
    }

    @Test func propertyValueProblems() {
        let number = PropertyDefinition(name: "seats", type: "number", fieldType: "number")
        #expect(number.problem(with: "12.5") == nil)
        #expect(number.problem(with: "-3") == nil)
        #expect(number.problem(with: "1.2.3") != nil)
        #expect(number.problem(with: "") == nil)
        let checkbox = PropertyDefinition(
            name: "tags", type: "enumeration", fieldType: "checkbox",
            options: [.init(label: "A", value: "a"), .init(label: "B", value: "b")])
        #expect(checkbox.problem(with: "a;b") == nil)
        #expect(checkbox.problem(with: "a;c")?.contains("\"c\"") == true)
        let flag = PropertyDefinition(name: "vip", type: "enumeration", fieldType: "booleancheckbox")
        #expect(flag.problem(with: "true") == nil)
        #expect(flag.problem(with: "yes") != nil)
        #expect(
            PropertyDefinition(name: "d", type: "date", fieldType: "date").problem(with: "2024-01-01T10:00:00Z") != nil)
    }
}
