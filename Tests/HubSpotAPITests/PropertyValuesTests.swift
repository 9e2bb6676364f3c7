import HubSpotAPI
import Testing

@Suite("PropertyValues")
struct PropertyValuesTests {
    @Test func valuesAreSortedByNameAndANameGivenTwiceKeepsItsLastValue() {
        let values = PropertyValues([
            ("lastname", "Lovelace"), ("company", "A"), ("firstname", "Ada"), ("company", "B"),
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
