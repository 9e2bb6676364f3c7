import Foundation
import HubSpotAPI
import LeadSyncJournal
import LeadSyncSupport
import Logging

extension NotesSync {
    /// What one pass did.
    struct PassOutcome: Sendable {
        /// A request was sent.
        var sent = false
        /// A request succeeded.
        var succeeded = false
        /// A request failed in a way the next pass may overcome (transient, rate limit, split).
        var failed = false
        var lastError: String?
        var ending: SyncReport.Ending?

        /// Adds what a window's preparation did (its look-ups) to the pass's outcome.
        mutating func absorb(_ other: PassOutcome) {
            sent = sent || other.sent
            succeeded = succeeded || other.succeeded
            failed = failed || other.failed
            lastError = other.lastError ?? lastError
            ending = ending ?? other.ending
        }
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

    /// The pending conversations that have a contact, read from the journal in id order and
    /// handed out a window at a time (waiting ones are skipped, so batches stay full).
    struct WindowReader {
        let size: Int
        private var cursor: String?
        private var exhausted = false
        private var sendable: [PendingConversation] = []

        init(size: Int) { self.size = size }

        /// Conversations are left after the window ``next(from:)`` handed out last.
        var hasMore: Bool { !exhausted || !sendable.isEmpty }

        /// The next window, nil when every pending conversation was handed out.
        mutating func next(from journal: any JournalStores) async throws -> [PendingConversation]? {
            while !exhausted && sendable.count < size {
                let window = try await journal.conversations.pending(after: cursor, limit: size)
                cursor = window.last?.conversation ?? cursor
                exhausted = window.count < size
                sendable += window.filter { $0.contactId != nil }
            }
            guard !sendable.isEmpty else { return nil }
            let window = Array(sendable.prefix(size))
            sendable.removeFirst(window.count)
            return window
        }

        /// Conversations a window left for the next one: they go first.
        mutating func putBack(_ deferred: [PendingConversation]) {
            sendable.insert(contentsOf: deferred, at: 0)
        }
    }

    /// A window read, rendered and settled, with the requests it needs.
    struct PreparedWindow: Sendable {
        var works: [NoteWork]
        var requests: [NoteRequest]
        /// Conversations left to the next window so that this one's batches go out full.
        var deferred: [PendingConversation]
        var conversations: Int
        var started: Date
        var prepared: Date
    }

    /// A prepared window whose requests are not all answered yet.
    struct WindowInFlight {
        var works: [NoteWork]
        var unanswered: Int
        var requests: Int
        var conversations: Int
        var started: Date
        var prepared: Date
    }

    /// What a send task brings back.
    enum SendResult: Sendable {
        case answered(GatewayAnswer<BatchResult>)
        /// The daily limit was reached before the request could go.
        case dailyLimit
        /// The pass was stopped (signal, `--max-seconds`) while the request waited for the pacer.
        case stopped(SyncReport.Ending)
    }

    /// What the pass's task group hands back: a window prepared, a request's end, or the stop's
    /// timing.
    enum Step: Sendable {
        case prepared(PreparedWindow, PassOutcome)
        case sent(window: Int, NoteRequest, SendResult)
        /// The sync was stopped (a signal, `--max-seconds`).
        case stopAsked
        /// The requests still in flight after a stop or an ending had their grace.
        case graceOver
    }

    /// One pass over the pending conversations, as a pipeline of windows (decision 0038).
    struct Pass: Sendable {
        let sync: NotesSync
        let mode: NoteKeyMode
        let gate: PacerGate
        let tally: Tally
        var outcome = PassOutcome()

        /// How many windows may be prepared and not yet answered at once: the one whose
        /// requests are on the wire, the next (waiting for the pacer) and one being prepared
        /// bound the lane's memory to a few windows' transcripts.
        static let windowsInPipeline = 3

        init(sync: NotesSync, mode: NoteKeyMode, gate: PacerGate, tally: Tally) {
            self.sync = sync
            self.mode = mode
            self.gate = gate
            self.tally = tally
        }

        var journal: any JournalStores { sync.journal }

        /// Works through the pending conversations in windows of `windowSize` conversations.
        /// The next window is read, rendered and settled while earlier windows' requests are in
        /// flight, and each request goes out as soon as the pacer admits it, so the lane sends
        /// as fast as the budget allows rather than one window per round trip. A create's intent
        /// is recorded after the pacer admitted it, just before it is sent (decision 0016), so a
        /// stop leaves no intent for a create that never went out.
        ///
        /// A stop (a signal, `--max-seconds`) or an ending wakes the pass at once, wherever its
        /// requests wait: nothing new is sent, and what is on the wire gets
        /// ``SyncOptions/stopGrace`` to be answered and recorded; what is still out then is
        /// abandoned, still pending (decision 0010).
        mutating func run() async throws -> PassOutcome {
            let (clock, gate, grace) = (sync.clock, gate, sync.options.stopGrace)
            var reader = WindowReader(size: sync.options.windowSize)
            var windows: [Int: WindowInFlight] = [:]
            var queue: [(window: Int, request: NoteRequest)] = []
            var nextWindow = 0
            var preparing = false
            var inFlight = 0
            var graceStarted = false
            try await withThrowingTaskGroup(of: Step.self) { group in
                // Cancels the stop's watch, and after the grace what is still in flight.
                defer { group.cancelAll() }
                group.addTask {
                    if let deadline = gate.deadline {
                        try? await gate.stop.sleep(
                            for: .interval(max(0, deadline.timeIntervalSince(clock.now))), on: clock)
                    } else {
                        await gate.stop.wait()
                    }
                    return .stopAsked
                }
                steps: while true {
                    if outcome.ending == nil { outcome.ending = gate.stopping() }
                    if outcome.ending == nil, !preparing, windows.count < Self.windowsInPipeline,
                        let window = try await reader.next(from: journal)
                    {
                        preparing = true
                        let pass = self
                        let more = reader.hasMore
                        group.addTask {
                            var preparation = pass
                            preparation.outcome = PassOutcome()
                            let prepared = try await preparation.prepare(window, more: more)
                            return .prepared(prepared, preparation.outcome)
                        }
                    }
                    let limit = await gate.concurrency()
                    while inFlight < limit, !queue.isEmpty, outcome.ending == nil {
                        if let ending = gate.stopping() {
                            outcome.ending = ending
                            break
                        }
                        let (id, request) = queue.removeFirst()
                        inFlight += 1
                        outcome.sent = true
                        let send = sendTask(request, works: windows[id]?.works ?? [])
                        group.addTask { .sent(window: id, request, try await send()) }
                    }
                    guard inFlight > 0 || preparing else { break }
                    if outcome.ending != nil, !graceStarted {
                        graceStarted = true
                        group.addTask {
                            try? await clock.sleep(for: grace)
                            return .graceOver
                        }
                    }
                    guard let step = try await group.next() else { break }
                    switch step {
                    case .stopAsked:
                        continue
                    case .graceOver:
                        // Still on the wire: cancelled, left pending for the next sync (as after a kill).
                        break steps
                    case .prepared(let prepared, let preparation):
                        preparing = false
                        outcome.absorb(preparation)
                        reader.putBack(prepared.deferred)
                        let id = nextWindow
                        nextWindow += 1
                        let window = WindowInFlight(
                            works: prepared.works, unanswered: prepared.requests.count,
                            requests: prepared.requests.count, conversations: prepared.conversations,
                            started: prepared.started, prepared: prepared.prepared)
                        queue += prepared.requests.map { (id, $0) }
                        if window.unanswered == 0 { try await finish(window) } else { windows[id] = window }
                    case .sent(let id, let request, let result):
                        inFlight -= 1
                        // Taken out while it changes, so the answer's record does not copy its works.
                        guard var window = windows.removeValue(forKey: id) else { continue }
                        let requeued = try await handle(result, of: request, works: &window.works)
                        queue += requeued.map { (id, $0) }
                        window.unanswered += requeued.count - 1
                        if window.unanswered == 0 { try await finish(window) } else { windows[id] = window }
                    }
                }
            }
            return outcome
        }

        /// Reads, renders and settles one window; with `more` conversations to come, leaves
        /// those whose creates would part-fill its last batch to the next window.
        private mutating func prepare(_ window: [PendingConversation], more: Bool) async throws -> PreparedWindow {
            let started = sync.clock.now
            var works: [NoteWork] = []
            for pending in window {
                guard let contactId = pending.contactId else { continue }
                let (transcript, notes) = try await journal.conversations.transcript(of: pending.conversation)
                works.append(
                    NoteWork(pending: pending, contactId: contactId, transcript: transcript, notes: notes, mode: mode))
            }
            try await settleUncertainParts(&works)
            let deferred = more ? Self.removePartialTail(of: &works) : []
            var creates: [Item] = []
            var updates: [Item] = []
            for (index, work) in works.enumerated() where work.lookups.isEmpty {
                creates += work.creates.map { Item(work: index, part: $0) }
                updates += work.updates.sorted { $0.key < $1.key }.map {
                    Item(work: index, part: $0.key, noteId: $0.value)
                }
            }
            return PreparedWindow(
                works: works,
                requests: Self.chunks(creates).map(NoteRequest.create) + Self.chunks(updates).map(NoteRequest.update),
                deferred: deferred.map(\.pending), conversations: window.count, started: started,
                prepared: sync.clock.now)
        }

        /// Every request of `window` is answered: its delivered conversations are recorded.
        private func finish(_ window: WindowInFlight) async throws {
            let answered = sync.clock.now
            let delivered = window.works.filter { $0.lookups.isEmpty && $0.isDelivered }
            try await journal.conversations.apply(
                delivered.map { .delivered(conversation: $0.conversation, revision: $0.pending.revision) },
                at: sync.clock.now)
            sync.logger.trace(
                "notes window",
                metadata: [
                    "trace.started_ms": "\(Timestamp.epochMilliseconds(window.started))",
                    "trace.prepared_ms": "\(Timestamp.epochMilliseconds(window.prepared))",
                    "trace.answered_ms": "\(Timestamp.epochMilliseconds(answered))",
                    "trace.recorded_ms": "\(Timestamp.epochMilliseconds(sync.clock.now))",
                    "window.conversations": "\(window.conversations)", "window.requests": "\(window.requests)",
                ])
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
            switch try await gate.admit() {
            case .go: break
            case .daily(let reset):
                outcome.ending = .dailyLimit(resetAt: reset)
                return nil
            case .stopped(let ending):
                outcome.ending = outcome.ending ?? ending
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

        /// The task that sends `request` once the pacer admits it, unless the sync was stopped
        /// meanwhile; a create's intent is recorded between the admission and the send.
        private func sendTask(_ request: NoteRequest, works: [NoteWork]) -> @Sendable () async throws -> SendResult {
            let (gateway, gate, tally, mode) = (sync.gateway, gate, tally, mode)
            let (journal, clock, logger) = (journal, sync.clock, sync.logger)
            return {
                let issued = clock.now
                switch try await gate.admit() {
                case .go: break
                case .daily: return .dailyLimit
                case .stopped(let ending): return .stopped(ending)
                }
                if case .create(let items) = request {
                    // The intent is durable before the create can reach HubSpot (decision 0016).
                    try await journal.conversations.apply(Self.intents(items, works: works), at: clock.now)
                }
                let sent = clock.now
                let answer = await Self.perform(request, works: works, mode: mode, gateway: gateway)
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
                return .answered(answer)
            }
        }

        /// The create intents of `items`, one per conversation.
        static func intents(_ items: [Item], works: [NoteWork]) -> [NoteOutcome] {
            var parts: [Int: [Int]] = [:]
            for item in items { parts[item.work, default: []].append(item.part) }
            return parts.keys.sorted().map {
                .createIntended(conversation: works[$0].conversation, parts: parts[$0] ?? [])
            }
        }

        /// Records how a request ended; returns the requests to send in its place (a refused
        /// batch's inputs one by one, so only the bad one is refused).
        private mutating func handle(_ result: SendResult, of request: NoteRequest, works: inout [NoteWork])
            async throws -> [NoteRequest]
        {
            switch result {
            case .dailyLimit:
                if outcome.ending == nil { outcome.ending = .dailyLimit(resetAt: await gate.pacer.dailyResetAt) }
            case .stopped(let ending):
                if outcome.ending == nil { outcome.ending = ending }
            case .answered(let answer):
                switch answer.result {
                case .success(let result):
                    outcome.succeeded = true
                    try await record(result, for: request, works: &works)
                case .failure(.refused(let refusal)) where request.items.count == 1:
                    try await record(
                        BatchResult(results: [], errors: []), for: request, works: &works,
                        refusal: NoteRefusal(refusal))
                case .failure(.refused):
                    outcome.failed = true
                    return request.items.map(request.single)
                case .failure(let failure):
                    await note(failure)
                }
            }
            return []
        }

        /// The request on the wire.
        private static func perform(
            _ request: NoteRequest, works: [NoteWork], mode: NoteKeyMode, gateway: any NotesGateway
        ) async -> GatewayAnswer<BatchResult> {
            func properties(_ item: Item) -> PropertyValues {
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
