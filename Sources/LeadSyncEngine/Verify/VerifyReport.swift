/// What `leadsync verify` found: how many leads were read back and where HubSpot differs from
/// what the journal says it delivered.
package struct VerifyReport: Sendable, Hashable {
    /// One property whose HubSpot value is not the one the journal last delivered.
    package struct Difference: Sendable, Hashable {
        package var lead: String
        package var hubSpotID: String
        package var property: String
        package var expected: String
        /// nil when HubSpot has no value, or no such contact.
        package var actual: String?
    }

    /// Leads read back.
    package var checked = 0
    package var differences: [Difference] = []
    /// Why verification stopped before checking every lead it meant to (nil when it finished):
    /// what was checked until then is still reported.
    package var stoppedBy: RequestFailure?
}
