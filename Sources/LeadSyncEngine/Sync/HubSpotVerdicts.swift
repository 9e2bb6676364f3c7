import HubSpotAPI

/// How HubSpot's answers and error shapes read as the state machine's verdicts: which input a
/// contact or an error concerns, what a category means, where HubSpot hides an id in a message.
/// HubSpot's shapes stop here (hubspot-api.md §3, §5).
enum HubSpotVerdicts {
    /// HubSpot lists the ids merged into a contact here; a read by an old id answers with the new.
    static let mergedIDsProperty = "hs_merged_object_ids"

    /// HubSpot's message for an id it cannot find (hubspot-api.md §3.3), used when a read by id
    /// leaves an id out without an error naming it.
    static let notFoundMessage =
        "Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid."

    /// The properties a read must ask for, beyond what the caller wants, to match contacts to inputs.
    static func readProperties(_ request: OutboundRequest) -> [String] {
        var properties = Set(request.readProperties)
        switch request.kind {
        case .readByEmail: properties.insert("email")
        case .readByID: properties.insert(mergedIDsProperty)
        case .upsertByEmail, .updateByID: break
        }
        return properties.sorted()
    }

    /// The properties of an answer's contacts worth reading: of a write's, only what matching
    /// them to inputs needs when HubSpot echoes no trace id (``trace(of:in:kind:)``), as
    /// ``answer(_:to:)`` keeps the id alone; nil (all) for a read, whose values are wanted.
    static func keptProperties(_ kind: OutboundRequest.Kind) -> [String]? {
        switch kind {
        case .upsertByEmail: ["email"]
        case .updateByID: [mergedIDsProperty]
        case .readByEmail, .readByID: nil
        }
    }

    /// `result` matched to `request`'s inputs.
    static func answer(_ result: BatchResult, to request: OutboundRequest) -> BatchAnswer {
        // Both maps sized once: grown entry by entry, their rehashing was a third of matching an answer (perf).
        var answer = BatchAnswer()
        answer.contacts.reserveCapacity(result.results.count)
        var open = [String: OutboundRequest.Input](minimumCapacity: request.inputs.count)
        for input in request.inputs where open[input.traceID] == nil { open[input.traceID] = input }
        for contact in result.results {
            guard let trace = trace(of: contact, in: open, kind: request.kind) else { continue }
            open[trace] = nil
            // A write's answer keeps the id only: HubSpot's values matter to reads, and the
            // properties of every answer waiting for the loop (up to 64 in flight) cost megabytes.
            answer.contacts[trace] = request.kind.isRead ? contact : Contact(id: contact.id, properties: [:])
        }
        for error in result.errors {
            var traces = error.traceIds.filter { open[$0] != nil }
            if traces.isEmpty { traces = open.values.filter { error.ids.contains($0.key) }.map(\.traceID) }
            let refusal = refusal(error)
            for trace in traces {
                open[trace] = nil
                // No contact has the email: the answer is that nothing was found, not a refusal.
                if request.kind == .readByEmail, refusal.verdict == .notFound { continue }
                answer.refusals[trace] = refusal
            }
        }
        if request.kind == .readByID {
            // HubSpot leaves a missing id out of `results`, with or without an error naming it.
            for trace in open.keys {
                answer.refusals[trace] = InputRefusal(.notFound, category: "OBJECT_NOT_FOUND", message: notFoundMessage)
            }
        }
        return answer
    }

    /// Which open input `contact` answers: its echoed trace id, else its id (by-id calls, merged
    /// ids included) or its email.
    private static func trace(
        of contact: Contact, in open: [String: OutboundRequest.Input], kind: OutboundRequest.Kind
    ) -> String? {
        if let trace = contact.objectWriteTraceId, open[trace] != nil { return trace }
        switch kind {
        case .updateByID, .readByID:
            let ids = [contact.id] + mergedIDs(of: contact)
            return open.values.first { ids.contains($0.key) }?.traceID
        case .upsertByEmail, .readByEmail:
            guard let email = contact.properties["email"].flatMap(EmailAddress.init) else { return nil }
            return open.values.first { EmailAddress($0.key) == email }?.traceID
        }
    }

    static func mergedIDs(of contact: Contact) -> [String] {
        (contact.properties[mergedIDsProperty] ?? "").split(separator: ";").map(String.init)
    }

    /// What HubSpot's refusal of one input means for its record.
    static func refusal(_ error: HubSpotError) -> InputRefusal {
        let category = error.category ?? "http_\(error.status)"
        if error.category == "OBJECT_NOT_FOUND" {
            return InputRefusal(.notFound, category: category, message: error.message)
        }
        if error.category == "CONFLICT", let existing = error.existingId {
            return InputRefusal(.conflict(existingID: existing), category: category, message: error.message)
        }
        var named = error.propertyNames
        for name in Refusal.propertyNames(inValidationMessage: error.message) where !named.contains(name) {
            named.append(name)
        }
        return InputRefusal(.invalidValues(properties: named), category: category, message: error.message)
    }

    /// How the reconciler acts on a failed request.
    static func failure(_ error: HubSpotError) -> RequestFailure {
        switch error.classification {
        case .retryLater(let after): .transient("HubSpot answered \(error.status) (\(error.code))", retryAfter: after)
        case .rateLimited(let policy, let window): .rateLimited(daily: policy == "DAILY", retryAfter: window)
        // The client refreshes through its authorizer on every 401 by itself; one that still
        // reaches here met a token that expired in between: the next try takes the fresh one.
        case .needsTokenRefresh: .transient("HubSpot answered 401 (\(error.code))", retryAfter: nil)
        case .needsReconnect, .badConfiguration: .reconnectionRequired(error.message)
        case .missingScopes(let scopes): .missingScopes(scopes, message: error.message)
        case .permanentForRecords, .permanentForRequest: .refused(refusal(error))
        }
    }
}
