extension LeadJournal {
    /// Where HubSpot is and what the account allows. The defaults suit a HubSpot account reached
    /// directly; a test points `hubSpotURL` at `hubspot-sim`.
    ///
    /// ```swift
    /// var configuration = LeadJournal.Configuration()
    /// configuration.rateLimit = 190          // requests per 10 s: a Professional account's limit
    /// ```
    public struct Configuration: Sendable {
        /// Default `https://api.hubapi.com`.
        public var hubSpotURL = "https://api.hubapi.com"
        /// The account's 10-second request limit, as a cap. Default nil: 100 per 10 s, adjusted
        /// to what HubSpot's rate-limit headers announce (as `leadsync sync` does).
        public var rateLimit: Int?
        /// The account's daily request limit, as a cap. Default nil: 250,000, adjusted to
        /// HubSpot's headers.
        public var dailyLimit: Int?
        /// How often a caught-up sync looks for new changes. Default 500 ms: a change recorded
        /// while idle goes out within about half a second.
        public var pollInterval: Duration = .milliseconds(500)
        /// Delivered history older than this is deleted every 10 minutes and its space given back
        /// to the file system, so a journal running for months stays small; pending changes,
        /// current values and delivery states are kept. Default 30 days (as `sync --follow
        /// --retain`); nil keeps everything.
        public var retention: Duration? = .seconds(30 * 86_400)
        /// A stall: sendable changes wait this long with nothing recorded while connected. It is
        /// logged as a warning, shown by `leadsync status` (`stalled_since`) and recorded as the
        /// `leadsync_stalled` metric until delivery resumes. Default 15 minutes.
        public var stallAfter: Duration = .seconds(900)

        public init() {}
    }
}
