package import HubSpotAPI

/// How the notes lane reaches HubSpot: notes written, read and listed per contact, each answer
/// already classified like the contacts' (``RequestFailure``).
package protocol NotesGateway: Sendable {
    func createNotes(_ inputs: [NoteCreateInput]) async -> GatewayAnswer<BatchResult>
    func updateNotes(_ inputs: [UpdateInput]) async -> GatewayAnswer<BatchResult>
    /// Reads notes' bodies by id.
    func readNotes(ids: [String]) async -> GatewayAnswer<BatchResult>
    /// One page of the ids of a contact's notes.
    func contactNoteIds(contactId: String, after: String?) async -> GatewayAnswer<AssociatedIdPage>
    /// Creates the unique-value note property that keys notes by conversation part: true when it
    /// exists afterwards (made now or before), false when HubSpot refused to make it.
    func createNoteKeyProperty(name: String) async -> GatewayAnswer<Bool>
}

extension HubSpotGateway: NotesGateway {
    package func createNotes(_ inputs: [NoteCreateInput]) async -> GatewayAnswer<BatchResult> {
        await answer { try await client.batchCreateNotes(inputs) }
    }

    package func updateNotes(_ inputs: [UpdateInput]) async -> GatewayAnswer<BatchResult> {
        await answer { try await client.batchUpdateNotes(inputs) }
    }

    package func readNotes(ids: [String]) async -> GatewayAnswer<BatchResult> {
        await answer { try await client.batchReadNotes(ids: ids, properties: ["hs_note_body"]) }
    }

    package func contactNoteIds(contactId: String, after: String?) async -> GatewayAnswer<AssociatedIdPage> {
        await answer { try await client.contactNoteIds(contactId: contactId, after: after) }
    }

    package func createNoteKeyProperty(name: String) async -> GatewayAnswer<Bool> {
        do {
            let response = try await client.createNoteProperty(
                name: name, label: "leadsync conversation key", hasUniqueValue: true)
            return GatewayAnswer(.success(true), rateLimit: response.rateLimit)
        } catch let error as HubSpotError where error.status == 409 {
            return GatewayAnswer(.success(true), rateLimit: error.rateLimit)
        } catch let error as HubSpotError
            where error.status == 400 || error.status == 403 && error.category != "MISSING_SCOPES"
        {
            return GatewayAnswer(.success(false), rateLimit: error.rateLimit)
        } catch {
            return await answer { throw error }
        }
    }
}
