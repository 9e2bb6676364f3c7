import LeadSyncJournal

/// One lead's record for one cycle: each pending mapped property's value, converted and checked,
/// plus how the lead is identified at HubSpot.
struct LeadRecord: Sendable, Hashable {
    /// One property's value on its way to HubSpot.
    struct Value: Sendable, Hashable {
        var field: String
        var property: String
        var rule: Mapping.WriteRule
        /// The string HubSpot receives (`""` for a null).
        var wire: String
        var isNull: Bool
        /// The change the value came from: outcomes name it, so an older value never marks a
        /// newer one done.
        var seq: Int64
        var at: Int64

        func outcome(_ result: LeadOutcome.Field.Result) -> LeadOutcome.Field {
            LeadOutcome.Field(field: field, seq: seq, result: result)
        }
    }

    var lead: String
    /// The HubSpot contact id: updates go by it whenever it is known, even after an email change.
    var remoteID: String?
    /// The usable, normalised email; the upsert and read key when there is no id.
    var email: EmailAddress?
    /// Sorted by property name, so bodies and tests are deterministic.
    var values: [Value]
    /// The lead's highest pending sequence number when the record was built: a lead left waiting
    /// is not looked at again in the same run until a newer change arrives.
    var pendingThrough: Int64
    /// What an earlier sync found (unmatched, awaiting identity); cleared once the lead is sent.
    var mark: LeadMark

    /// What no two records may share in one batch or in two batches in flight: the lead, its
    /// contact, its email. Typed rather than prefixed strings: building those was a fair part
    /// of planning batches in an unthrottled sync.
    enum Key: Hashable, Sendable {
        case lead(String)
        case contact(String)
        case email(String)
    }

    /// The keys no other record may share in one batch or in two batches in flight: the lead,
    /// then its contact and its email when known. A sequence, not an array: planning a batch
    /// asks for every queued record's keys, and an array each time showed in the profile of an
    /// unthrottled drain.
    struct Keys: Sequence, IteratorProtocol {
        fileprivate var lead: Key?
        fileprivate var contact: Key?
        fileprivate var email: Key?

        mutating func next() -> Key? {
            if let key = lead {
                lead = nil
                return key
            }
            if let key = contact {
                contact = nil
                return key
            }
            defer { email = nil }
            return email
        }
    }

    var keys: Keys {
        Keys(lead: .lead(lead), contact: remoteID.map(Key.contact), email: email.map { .email($0.value) })
    }

    /// The newest change the record carries, so records of leads sharing a contact go out in
    /// (`at`, append) order.
    var newest: (Int64, Int64) {
        values.lazy.map { ($0.at, $0.seq) }.max { $0 < $1 } ?? (0, 0)
    }
}
