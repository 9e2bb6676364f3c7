import HubSpotAPI
import Testing

@Suite("PropertyValues")
struct PropertyValuesTests {
    @Test func valuesAreSortedByNameAndANameGivenTwiceKeepsItsLastValue() {
        let values = PropertyValues([
            .init(name: "lastname", value: "Lovelace"), .init(name: "company", value: "A"),
            .init(name: "firstname", value: "Ada"), .init(name: "company", value: "B"),
        ])
        #expect(values.map(\.name) == ["company", "firstname", "lastname"])
        #expect(values["company"] == "B")
        #expect(values["jobtitle"] == nil)
    }

    @Test func settingAValueInsertsReplacesOrRemovesItInOrder() {
        var values: PropertyValues = ["firstname": "Ada", "lastname": "Lovelace"]
        values["company"] = "Analytical Engines"
        values["firstname"] = "Augusta"
        values["lastname"] = nil
        values["missing"] = nil
        #expect(values.map(\.name) == ["company", "firstname"])
        #expect(values == ["firstname": "Augusta", "company": "Analytical Engines"])
    }
}
