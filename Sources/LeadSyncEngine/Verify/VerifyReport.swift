/// What `leadsync verify` found: how many leads were read back and where HubSpot differs from
/// what the journal says it delivered.
public struct VerifyReport: Sendable, Hashable {
    /// One property whose HubSpot value is not the one the journal last delivered.
    public struct Difference: Sendable, Hashable {
        public var lead: String
        public var hubSpotID: String
        public var property: String
        public var expected: String
        /// nil when HubSpot has no value, or no such contact.
        public var actual: String?
    }

    /// Leads read back.
    public var checked = 0
    public var differences: [Difference] = []
    /// Why verification stopped before checking every lead it meant to (nil when it finished):
    /// what was checked until then is still reported.
    public var stoppedBy: RequestFailure?
}
