/// Retention's cut of one delivered conversation (decision 0032): its first ``parts`` unsealed
/// notes are frozen as HubSpot holds them, and the ``messages`` they show (the first in display
/// order) leave the journal; later messages continue in the parts after them.
package struct ConversationSeal: Sendable, Hashable {
    package var conversation: String
    /// The revision the cut was computed from: the seal applies only while it is current and
    /// delivered, so a message that arrived meanwhile is never dropped undelivered.
    package var revision: Int64
    /// Parts sealed before this cut.
    package var sealedBefore: Int
    /// Parts this cut seals.
    package var parts: Int
    /// Messages the sealed parts show, the first in display order (`at`, then append order).
    package var messages: Int
    /// Every part is sealed: the summary goes too (its time stays, so an older one never wins),
    /// and a later summary or message starts a new part.
    package var sealsAll: Bool

    package init(
        conversation: String, revision: Int64, sealedBefore: Int, parts: Int, messages: Int, sealsAll: Bool
    ) {
        self.conversation = conversation
        self.revision = revision
        self.sealedBefore = sealedBefore
        self.parts = parts
        self.messages = messages
        self.sealsAll = sealsAll
    }
}
