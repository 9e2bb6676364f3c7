import Foundation
import HubSpotAPI
import LeadSyncJournal
import LeadSyncSupport
import Logging

extension NotesSync {
    /// What one pass did.
    struct PassOutcome {
        /// A request was sent.
        var sent = false
        /// A request succeeded.
        var succeeded = false
        /// A request failed in a way the next pass may overcome (transient, rate limit, split).
        var failed = false
        var lastError: String?
        var ending: SyncReport.Ending?
    }

    /// One request of a window: items are (work index, part).
    enum NoteRequest: Sendable {
        case create([Item])
        case update([Item])

        var items: [Item] {
            switch self {
            case .create(let items), .update(let items): items
            }
        }

        func single(_ item: Item) -> NoteRequest {
            switch self {
            case .create: .create([item])
            case .update: .update([item])
            }
        }
    }

    struct Item: Sendable, Hashable {
        var work: Int
        var part: Int
        /// The note updated (updates only).
        var noteId: String?

        var traceId: String { "\(work)-\(part)" }
    }

    /// One pass over the pending conversations, window by window.
    struct Pass {
        let sync: NotesSync
        let mode: NoteKeyMode
        let gate: PacerGate
        let tally: Tally
        var outcome = PassOutcome()

        init(sync: NotesSync, mode: NoteKeyMode, gate: PacerGate, tally: Tally) {
            self.sync = sync
            self.mode = mode
            self.gate = gate
            self.tally = tally
        }

        var journal: any JournalStores { sync.journal }

        /// Works through the pending conversations in windows of `windowSize` conversations
        /// that have a contact (waiting ones are skipped, so batches stay full).
        mutating func run(deadline: Date?, isStopping: @Sendable () -> Bool) async throws -> PassOutcome {
            let size = sync.options.windowSize
            var cursor: String?
            var exhausted = false
            var sendable: [PendingConversation] = []
            while outcome.ending == nil {
                while !exhausted && sendable.count < size {
                    let window = try await journal.conversations.pending(after: cursor, limit: size)
                    cursor = window.last?.conversation ?? cursor
                    exhausted = window.count < size
                    sendable += window.filter { $0.contactId != nil }
                }
                guard !sendable.isEmpty else { break }
                if let deadline, sync.clock.now >= deadline {
                    outcome.ending = .deadlineReached
                } else if isStopping() {
                    outcome.ending = .stopped
                } else {
                    let window = Array(sendable.prefix(size))
                    sendable.removeFirst(window.count)
                    let deferred = try await runWindow(window, more: !exhausted || !sendable.isEmpty)
                    sendable.insert(contentsOf: deferred, at: 0)
                }
            }
            return outcome
        }

        /// Plans, settles, sends and records one window; with `more` conversations to come,
        /// returns those it left for the next window so that its batches go out full.
        private mutating func runWindow(_ window: [PendingConversation], more: Bool) async throws
            -> [PendingConversation]
        {
            let clock = sync.clock
            let started = clock.now
            var works: [NoteWork] = []
            for pending in window {
                guard let contactId = pending.contactId else { continue }
                let (transcript, notes) = try await journal.conversations.transcript(of: pending.conversation)
                works.append(
                    NoteWork(pending: pending, contactId: contactId, transcript: transcript, notes: notes, mode: mode))
            }
            try await settleUncertainParts(&works)
            let deferred = more ? Self.removePartialTail(of: &works) : []
            var intents: [NoteOutcome] = []
            var creates: [Item] = []
            var updates: [Item] = []
            for (index, work) in works.enumerated() where work.lookups.isEmpty {
                if !work.creates.isEmpty {
                    intents.append(.createIntended(conversation: work.conversation, parts: work.creates))
                }
                creates += work.creates.map { Item(work: index, part: $0) }
                updates += work.updates.sorted { $0.key < $1.key }.map {
                    Item(work: index, part: $0.key, noteId: $0.value)
                }
            }
            // The intent is durable before the create can reach HubSpot (decision 0016).
            try await journal.conversations.apply(intents, at: sync.clock.now)
            let prepared = clock.now
            var queue = Self.chunks(creates).map(NoteRequest.create) + Self.chunks(updates).map(NoteRequest.update)
            try await send(&queue, works: &works)
            let answered = clock.now
            let delivered = works.filter { $0.lookups.isEmpty && $0.isDelivered }
            try await journal.conversations.apply(
                delivered.map { .delivered(conversation: $0.conversation, revision: $0.pending.revision) },
                at: sync.clock.now)
            sync.logger.trace(
                "notes window",
                metadata: [
                    "trace.started_ms": "\(Timestamp.epochMilliseconds(started))",
                    "trace.prepared_ms": "\(Timestamp.epochMilliseconds(prepared))",
                    "trace.answered_ms": "\(Timestamp.epochMilliseconds(answered))",
                    "trace.recorded_ms": "\(Timestamp.epochMilliseconds(clock.now))",
                    "window.conversations": "\(window.count)", "window.requests": "\(queue.count)",
                ])
            return deferred.map(\.pending)
        }

        /// Removes and returns the works at the end of `works` whose creates would only part-fill
        /// the window's last create batch, so that every batch of this window goes out full and
        /// the next window carries them (a conversation's parts are never split between windows).
        /// Keeps everything when no full batch would remain.
        static func removePartialTail(of works: inout [NoteWork]) -> [NoteWork] {
            let creates = works.filter(\.lookups.isEmpty).reduce(0) { $0 + $1.creates.count }
            let full = creates / BatchPlanner.maximumInputs * BatchPlanner.maximumInputs
            guard full > 0, full < creates else { return [] }
            var kept = 0
            var count = 0
            for work in works {
                let adds = work.lookups.isEmpty ? work.creates.count : 0
                guard kept + adds <= full else { break }
                kept += adds
                count += 1
            }
            guard count > 0 else { return [] }
            let tail = Array(works[count...])
            works.removeSubrange(count...)
            return tail
        }

        /// Batches of at most HubSpot's 100 inputs.
        static func chunks<Element>(_ items: [Element]) -> [[Element]] {
            stride(from: 0, to: items.count, by: BatchPlanner.maximumInputs).map {
                Array(items[$0..<min($0 + BatchPlanner.maximumInputs, items.count)])
            }
        }

        // MARK: Look-up mode

        /// Finds uncertain parts among their contacts' notes: adopted when found (and updated if
        /// their body differs), created when not. A failed look-up leaves the part uncertain.
        private mutating func settleUncertainParts(_ works: inout [NoteWork]) async throws {
            let contacts = Set(works.filter { !$0.lookups.isEmpty }.map(\.contactId))
            var adopted: [NoteOutcome] = []
            for contact in contacts.sorted() where outcome.ending == nil {
                guard let bodies = try await notesOfContact(contact) else { continue }
                for index in works.indices where works[index].contactId == contact {
                    for part in works[index].lookups {
                        let conversation = works[index].conversation
                        guard
                            let (noteId, body) = bodies.first(where: {
                                NoteRenderer.body($0.value, isPart: part, of: conversation)
                            })
                        else {
                            works[index].creates.append(part)
                            continue
                        }
                        let digest = NoteWork.digest(body)
                        adopted.append(.noted(conversation: conversation, part: part, noteId: noteId, digest: digest))
                        if digest == works[index].digests[part] {
                            works[index].settled.insert(part)
                        } else {
                            works[index].updates[part] = noteId
                        }
                        sync.logger.debug(
                            "uncertain note found",
                            metadata: ["conversation": "\(conversation)", "note.id": "\(noteId)"])
                    }
                    works[index].lookups = []
                }
            }
            try await journal.conversations.apply(adopted, at: sync.clock.now)
        }

        /// Every note of `contact`: id → body; nil when a request failed.
        private mutating func notesOfContact(_ contact: String) async throws -> [String: String]? {
            let gateway = sync.gateway
            var ids: [String] = []
            var after: String?
            repeat {
                guard let page = try await paced({ await gateway.contactNoteIds(contactId: contact, after: after) })
                else { return nil }
                ids += page.ids
                after = page.nextAfter
            } while after != nil
            var bodies: [String: String] = [:]
            for chunk in Self.chunks(ids) {
                guard let read = try await paced({ await gateway.readNotes(ids: chunk) }) else { return nil }
                for note in read.results { bodies[note.id] = note.properties["hs_note_body"] ?? "" }
            }
            return bodies
        }

        /// Sends one request through the pacer; nil when it failed (recorded in `outcome`).
        private mutating func paced<Value: Sendable>(_ call: () async -> GatewayAnswer<Value>) async throws -> Value? {
            if case .daily(let reset) = try await gate.admit() {
                outcome.ending = .dailyLimit(resetAt: reset)
                return nil
            }
            outcome.sent = true
            let answer = await call()
            await gate.completed(answer.rateLimit, failure: answer.result.failure)
            await tally.request(answer.result.failure)
            switch answer.result {
            case .success(let value):
                outcome.succeeded = true
                return value
            case .failure(let failure):
                await note(failure)
                return nil
            }
        }

        private mutating func note(_ failure: RequestFailure) async {
            outcome.failed = true
            outcome.lastError = "\(failure)"
            if outcome.ending == nil { outcome.ending = NotesSync.ending(of: failure, pacer: await gate.pacer) }
        }

        // MARK: Writes

        /// Sends `queue` with as many requests in flight as the pacer suggests, recording each
        /// answer before the next is looked at.
        private mutating func send(_ queue: inout [NoteRequest], works: inout [NoteWork]) async throws {
            guard !queue.isEmpty else { return }
            let gateway = sync.gateway
            let gate = gate
            let tally = tally
            let mode = mode
            let snapshot = works
            try await withThrowingTaskGroup(of: (NoteRequest, GatewayAnswer<BatchResult>?).self) { group in
                var inFlight = 0
                var next = 0
                while true {
                    let limit = await gate.concurrency()
                    while inFlight < limit, next < queue.count, outcome.ending == nil {
                        let request = queue[next]
                        next += 1
                        inFlight += 1
                        outcome.sent = true
                        let (clock, logger) = (sync.clock, sync.logger)
                        group.addTask {
                            let issued = clock.now
                            guard case .go = try await gate.admit() else { return (request, nil) }
                            let sent = clock.now
                            let answer = await Self.perform(request, works: snapshot, mode: mode, gateway: gateway)
                            logger.trace(
                                "notes request answered",
                                metadata: [
                                    "request.inputs": "\(request.items.count)",
                                    "trace.issued_ms": "\(Timestamp.epochMilliseconds(issued))",
                                    "trace.sent_ms": "\(Timestamp.epochMilliseconds(sent))",
                                    "trace.answered_ms": "\(Timestamp.epochMilliseconds(clock.now))",
                                ])
                            await gate.completed(answer.rateLimit, failure: answer.result.failure)
                            await tally.request(answer.result.failure)
                            return (request, answer)
                        }
                    }
                    guard let (request, answer) = try await group.next() else { break }
                    inFlight -= 1
                    guard let answer else {
                        if outcome.ending == nil {
                            outcome.ending = .dailyLimit(resetAt: await gate.pacer.dailyResetAt)
                        }
                        continue
                    }
                    switch answer.result {
                    case .success(let result):
                        outcome.succeeded = true
                        try await record(result, for: request, works: &works)
                    case .failure(.refused(let refusal)) where request.items.count == 1:
                        try await record(
                            BatchResult(results: [], errors: []), for: request, works: &works,
                            refusal: NoteRefusal(refusal))
                    case .failure(.refused):
                        // A whole-batch refusal: each input alone, so only the bad one is refused.
                        outcome.failed = true
                        queue += request.items.map(request.single)
                    case .failure(let failure):
                        await note(failure)
                    }
                }
            }
        }

        /// The request on the wire.
        private static func perform(
            _ request: NoteRequest, works: [NoteWork], mode: NoteKeyMode, gateway: any NotesGateway
        ) async -> GatewayAnswer<BatchResult> {
            func properties(_ item: Item) -> [String: String] {
                let note = works[item.work].body(item.part)
                return ["hs_note_body": note.body, "hs_timestamp": Timestamp.format(epochMilliseconds: note.timestamp)]
            }
            switch request {
            case .create(let items):
                return await gateway.createNotes(
                    items.map { item in
                        var values = properties(item)
                        if mode == .uniqueKey {
                            values[NotesSync.keyProperty] = works[item.work].conversation + "#\(item.part)"
                        }
                        return NoteCreateInput(
                            objectWriteTraceId: item.traceId, properties: values, contactId: works[item.work].contactId)
                    })
            case .update(let items):
                return await gateway.updateNotes(
                    items.map {
                        UpdateInput(id: $0.noteId ?? "", objectWriteTraceId: $0.traceId, properties: properties($0))
                    })
            }
        }

        /// Turns one answer into outcomes, recorded in one transaction. An input neither in the
        /// results nor in the errors stays as it was (an uncertain create is settled next pass).
        private mutating func record(
            _ result: BatchResult, for request: NoteRequest, works: inout [NoteWork], refusal whole: NoteRefusal? = nil
        ) async throws {
            let byTrace = Dictionary(request.items.map { ($0.traceId, $0) }, uniquingKeysWith: { $1 })
            let byNote = Dictionary(
                request.items.compactMap { item in item.noteId.map { ($0, item) } }, uniquingKeysWith: { $1 })
            func item(trace: String?, id: String?) -> Item? {
                if let trace, let found = byTrace[trace] { return found }
                if case .update = request, let id, let found = byNote[id] { return found }
                return request.items.count == 1 ? request.items[0] : nil
            }
            var outcomes: [NoteOutcome] = []
            var created = 0
            var updated = 0
            for note in result.results {
                guard let item = item(trace: note.objectWriteTraceId, id: note.id) else { continue }
                let conversation = works[item.work].conversation
                outcomes.append(
                    .noted(
                        conversation: conversation, part: item.part, noteId: note.id,
                        digest: works[item.work].digests[item.part]))
                works[item.work].settled.insert(item.part)
                if case .create = request { created += 1 } else { updated += 1 }
            }
            for error in result.errors {
                let items = error.traceIds.compactMap { byTrace[$0] } + error.ids.compactMap { byNote[$0] }
                for item in items.isEmpty ? [item(trace: nil, id: nil)].compactMap({ $0 }) : items {
                    outcomes.append(refusal(NoteRefusal(error), item: item, request: request, works: &works))
                }
            }
            if let whole, let only = request.items.first {
                outcomes.append(refusal(whole, item: only, request: request, works: &works))
            }
            await tally.wrote(created: created, updated: updated, inputs: request.items.count)
            try await journal.conversations.apply(outcomes, at: sync.clock.now)
        }

        /// What a refused input means: in unique-key mode a `CONFLICT` on create names the note
        /// made by an earlier, lost create (adopted; the next pass brings it up to date); a note
        /// gone from HubSpot rejects its conversation and forgets the note; anything else
        /// rejects the conversation with HubSpot's reason.
        private func refusal(_ error: NoteRefusal, item: Item, request: NoteRequest, works: inout [NoteWork])
            -> NoteOutcome
        {
            let conversation = works[item.work].conversation
            if case .create = request, mode == .uniqueKey, let existing = error.existingId {
                sync.logger.debug(
                    "note already made by a lost create",
                    metadata: ["conversation": "\(conversation)", "note.id": "\(existing)"])
                return .noted(conversation: conversation, part: item.part, noteId: existing, digest: nil)
            }
            works[item.work].rejected = true
            let gone: Bool = if case .update = request { error.notFound } else { false }
            // HubSpot's message may quote the body: it goes to the journal (`rejected list`), never to the log.
            sync.logger.notice(
                "conversation refused by HubSpot",
                metadata: [
                    "conversation": "\(conversation)", "hubspot.category": "\(error.category)",
                    "note.part": "\(item.part)",
                ])
            return .rejected(
                conversation: conversation, category: error.category, message: error.message,
                atMilliseconds: Timestamp.epochMilliseconds(sync.clock.now), forgetPart: gone ? item.part : nil)
        }
    }
}

/// HubSpot's refusal of one note input, from a 207 entry or a whole request that held only it.
struct NoteRefusal {
    var category: String
    var message: String
    /// `CONFLICT` naming the note that already has the key.
    var existingId: String?
    /// The note does not exist (deleted in HubSpot).
    var notFound: Bool

    init(_ error: HubSpotError) {
        category = error.category ?? error.code
        message = error.message
        existingId = error.category == "CONFLICT" ? error.existingId : nil
        notFound = error.category == "OBJECT_NOT_FOUND" || error.status == 404
    }

    init(_ refusal: InputRefusal) {
        category = refusal.category
        message = refusal.message
        switch refusal.verdict {
        case .notFound:
            existingId = nil
            notFound = true
        case .conflict(let existing):
            existingId = existing
            notFound = false
        case .invalidValues:
            existingId = nil
            notFound = false
        }
    }
}
