/// The account a token belongs to (`GET /account-info/…/details`).
public struct AccountDetails: Sendable, Hashable, Decodable {
    /// The portal (account) id.
    public var portalId: Int
    /// IANA time zone, e.g. `US/Eastern`; the daily limit resets at midnight there.
    public var timeZone: String?
    public var utcOffsetMilliseconds: Int?

    public init(portalId: Int, timeZone: String?, utcOffsetMilliseconds: Int? = nil) {
        self.portalId = portalId
        self.timeZone = timeZone
        self.utcOffsetMilliseconds = utcOffsetMilliseconds
    }
}
