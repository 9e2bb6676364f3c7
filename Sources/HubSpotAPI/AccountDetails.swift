/// The account a token belongs to (`GET /account-info/…/details`).
package struct AccountDetails: Sendable, Hashable, Decodable {
    /// The portal (account) id.
    package var portalId: Int
    /// IANA time zone, e.g. `US/Eastern`; the daily limit resets at midnight there.
    package var timeZone: String?
    package var utcOffsetMilliseconds: Int?

    package init(portalId: Int, timeZone: String?, utcOffsetMilliseconds: Int? = nil) {
        self.portalId = portalId
        self.timeZone = timeZone
        self.utcOffsetMilliseconds = utcOffsetMilliseconds
    }
}
