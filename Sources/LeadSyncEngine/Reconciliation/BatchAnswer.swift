package import HubSpotAPI

/// HubSpot's answer to one batch request, input by input, as the state machine acts on it. The
/// HubSpot layer (``HubSpotGateway``) has already matched every contact and error to the input
/// it concerns (by `objectWriteTraceId`, id, email or merged id) and interpreted HubSpot's error
/// shapes, so the machine never reads a category, a message or a status.
///
/// An input in neither map was not answered: a write goes again; a read by email found no
/// contact with that email (a read by id that finds nothing is a ``InputRefusal/Verdict/notFound``
/// refusal).
package struct BatchAnswer: Sendable, Hashable {
    /// Inputs HubSpot wrote or found, by trace id: the contact (its id may differ from the one
    /// asked for after a merge).
    package var contacts: [String: Contact]
    /// Inputs HubSpot refused, by trace id.
    package var refusals: [String: InputRefusal]

    package init(contacts: [String: Contact] = [:], refusals: [String: InputRefusal] = [:]) {
        self.contacts = contacts
        self.refusals = refusals
    }
}

/// Why HubSpot refused one input (or a whole request holding only it): a typed verdict, and
/// HubSpot's own category and message, which the journal records as the rejection's reason.
package struct InputRefusal: Sendable, Hashable {
    /// What the refusal means for the record.
    package enum Verdict: Sendable, Hashable {
        /// The contact id does not exist (deleted, archived, GDPR-deleted): forget the link,
        /// never recreate on our own.
        case notFound
        /// Another contact already has the email: link to this one and update it by id.
        case conflict(existingID: String)
        /// These values are invalid: reject them and send the rest again. Empty when HubSpot
        /// named no property: the record as a whole is refused.
        case invalidValues(properties: [String])
    }

    package var verdict: Verdict
    /// HubSpot's `category` (`VALIDATION_ERROR`, `OBJECT_NOT_FOUND`, …) or `http_<status>`.
    package var category: String
    /// HubSpot's message, verbatim.
    package var message: String

    package init(_ verdict: Verdict, category: String, message: String) {
        self.verdict = verdict
        self.category = category
        self.message = message
    }
}
