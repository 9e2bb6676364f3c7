public import Foundation
public import HubSpotAPI
public import LeadSyncJournal

extension Reconciler {
    /// The reconciliation loop's decisions, with no I/O: events in (a window of pending leads was
    /// read, a response or a failure arrived, a timer fired), actions out (send this batch, record
    /// these outcomes, load the next window, wake me at, refresh the token, pause, stop).
    ///
    /// Time comes in as `now` and jitter from the injected generator, so tests feed events and
    /// assert actions deterministically.
    ///
    /// ```swift
    /// var machine = Reconciler.StateMachine(configuration: config, random: SplitMix64(seed: 7), now: clock.now)
    /// var actions = machine.start(now: clock.now)         // [.loadWindow(newPass: true)]
    /// actions = machine.windowLoaded(leads, endOfPass: true, now: clock.now)   // [.send(...)]
    /// actions = machine.requestFailed(id, .rateLimited(daily: false, retryAfter: nil), rateLimit: nil, now: clock.now)
    /// ```
    public struct StateMachine<Random: RandomNumberGenerator & Sendable>: Sendable {
        /// What the machine decides with.
        public struct Configuration: Sendable {
            /// HubSpot's contact property definitions by name.
            public var definitions: [String: PropertyDefinition]
            public var pushRules: PushRules
            public var pacer = Pacer.Configuration()
            /// Default 100: HubSpot's batch maximum.
            public var maximumBatchSize = BatchPlanner.maximumInputs
            /// Default 400: ask for the next window while fewer records than four full batches
            /// are queued, so memory stays bounded and the pipe never drains.
            public var refillBelow = 400
            /// Default nil (never): stop when no request has succeeded for this long.
            public var giveUpAfter: Duration?
            public var backoff = Backoff()

            public init(definitions: [String: PropertyDefinition], pushRules: PushRules) {
                self.definitions = definitions
                self.pushRules = pushRules
            }
        }

        /// What the shell must do next, in order.
        public enum Action: Sendable, Hashable {
            /// Read the next window of pending leads (from the start when `newPass`) and answer
            /// with ``windowLoaded(_:endOfPass:now:)``.
            case loadWindow(newPass: Bool)
            /// Send this request; answer with ``responseReceived(_:_:rateLimit:now:)`` or
            /// ``requestFailed(_:_:rateLimit:now:)``.
            case send(OutboundRequest)
            /// Record these outcomes in the journal, in one transaction, and these marks (what
            /// leads wait for), before anything else: a window loaded later must see them.
            case record([LeadOutcome], marks: [String: LeadMark])
            /// Refresh the access token, then call ``tokenRefreshed(now:)``.
            case refreshToken
            /// Call ``wake(now:)`` at this time (a retry or the pacer is due).
            case wake(at: Date)
            /// Nothing can be sent until the reason is lifted; everything stays pending.
            case pause(PauseReason)
            /// The drain cannot go on; everything unsent stays pending.
            case stop(StopReason)
            /// Nothing more to do; `sendableLeft` when ``stopIssuing(now:)`` cut the drain short.
            case finished(sendableLeft: Bool)
        }

        public enum PauseReason: Sendable, Hashable {
            /// Call ``connectionRestored(now:)`` after `leadsync connect`.
            case reconnectionRequired(String)
            /// Call ``resume(now:)`` after the reset.
            case dailyLimit(resetAt: Date)
        }

        public enum StopReason: Sendable, Hashable {
            case missingScopes([String], message: String)
            /// `--give-up-after` elapsed without a successful request.
            case gaveUp(lastError: String)
        }

        /// A lead's record on its way: matched/read first when needed, then written.
        struct Item: Sendable {
            enum Stage: Sendable { case read, write }
            var record: LeadRecord
            var stage: Stage
            /// HubSpot's values, when read this cycle (or known empty: no contact has the email).
            var hubSpot: [String: String]?
            /// How many times a response left this item unanswered.
            var unanswered = 0

            var kind: OutboundRequest.Kind {
                switch (stage, record.remoteID != nil) {
                case (.read, true): .readByID
                case (.read, false): .readByEmail
                case (.write, true): .updateByID
                case (.write, false): .upsertByEmail
                }
            }

            var key: String { record.remoteID ?? record.email?.value ?? "" }
        }

        /// A request on the wire (or waiting to be retried) and the items it carries.
        struct Flight: Sendable {
            var request: OutboundRequest
            var items: [String: Item]
            var keys: Set<String>
            var sentAt: Date
            var attempt = 0
        }

        public let configuration: Configuration
        private let builder: RecordBuilder
        public private(set) var pacer: Pacer
        private var random: Random
        public private(set) var summary = DrainSummary()
        /// Requests sent and not yet answered.
        public var requestsInFlight: Int { inFlight.count }
        /// The last failure seen, for `status` and `--give-up-after`.
        public private(set) var lastError: String?

        private var queue: [Item] = []
        private var inFlight: [Int: Flight] = [:]
        private var retries: [(flight: Flight, notBefore: Date)] = []
        /// Leads queued, in flight or waiting to be retried: never in two batches at once.
        private var busyLeads: Set<String> = []
        /// Keys (lead, email, contact id) of requests in flight or waiting to be retried.
        private var busyKeys: Set<String> = []
        /// Leads left waiting (identity, match) in this run, with their highest pending seq.
        private var parked: [String: Int64] = [:]
        private var loading = false
        private var passExhausted = false
        private var passHadSends = false
        private var passSkippedBusy = false
        private var refreshingToken = false
        private var paused: PauseReason?
        private var stopped = false
        private var idle = false
        private var issuing = true
        private var latency: Duration = .milliseconds(100)
        private var lastProgressAt: Date
        private var nextRequestID = 1
        /// Outcomes and marks gathered while handling one event, emitted as one `.record`.
        private var unrecorded: [LeadOutcome] = []
        private var unrecordedMarks: [String: LeadMark] = [:]

        public init(configuration: Configuration, random: Random, now: Date) {
            self.configuration = configuration
            self.builder = RecordBuilder(definitions: configuration.definitions)
            self.pacer = Pacer(configuration: configuration.pacer, now: now)
            self.random = random
            self.lastProgressAt = now
        }

        // MARK: Events

        /// Begins a drain (or, after `.finished` in follow mode, a new pass over the journal).
        /// `recheckWaiting` forgets which leads waited, so unmatched leads are read again.
        public mutating func start(now: Date, recheckWaiting: Bool = false) -> [Action] {
            guard configuration.pushRules.update else { return [.finished(sendableLeft: false)] }
            if recheckWaiting { parked = [:] }
            idle = false
            stopped = false
            issuing = true
            passExhausted = false
            passHadSends = false
            passSkippedBusy = false
            lastProgressAt = now
            return beginLoad(newPass: true) + pump(now: now)
        }

        /// A window of pending leads was read. `endOfPass`: no leads after these.
        public mutating func windowLoaded(_ leads: [PendingLead], endOfPass: Bool, now: Date) -> [Action] {
            loading = false
            if endOfPass { passExhausted = true }
            var fresh: [Item] = []
            for lead in leads {
                if busyLeads.contains(lead.lead) {
                    passSkippedBusy = true
                    continue
                }
                let through = lead.fields.map(\.seq).max() ?? 0
                if parked[lead.lead] == through { continue }
                parked[lead.lead] = nil
                let built = builder.build(lead)
                note(lead.lead, fields: built.rejected)
                summary.rejected += built.rejected.count
                if built.awaitingIdentity {
                    parked[lead.lead] = through
                    summary.awaitingIdentity += 1
                    if lead.mark != .awaitingIdentity { unrecordedMarks[lead.lead] = .awaitingIdentity }
                }
                guard let record = built.record else { continue }
                let needsMatch = record.remoteID == nil && !configuration.pushRules.create
                let item = Item(record: record, stage: needsMatch ? .read : .write, hubSpot: nil)
                if let item = applyWriteRules(item) {
                    fresh.append(item)
                    busyLeads.insert(lead.lead)
                    passHadSends = true
                }
            }
            // Leads sharing a contact go out in (at, append) order of their newest change.
            let ordered = fresh.enumerated().sorted { a, b in
                let (x, y) = (a.element.record.newest, b.element.record.newest)
                return x != y ? x < y : a.offset < b.offset
            }
            queue.append(contentsOf: ordered.map(\.element))
            return emit() + pump(now: now)
        }

        /// HubSpot answered request `id` with 200, 201 or 207.
        public mutating func responseReceived(
            _ id: Int, _ response: BatchResult, rateLimit: RateLimitInfo?, now: Date
        ) -> [Action] {
            guard let flight = inFlight.removeValue(forKey: id) else { return pump(now: now) }
            pacer.recordCompletion(now: now)
            if let rateLimit { pacer.observe(rateLimit, now: now) }
            let sample = Duration.interval(now.timeIntervalSince(flight.sentAt))
            latency = latency * 0.8 + sample * 0.2
            lastProgressAt = now
            busyKeys.subtract(flight.keys)
            if flight.request.kind.isRead {
                handleRead(flight, response)
            } else {
                handleWrite(flight, response)
            }
            return emit() + pump(now: now)
        }

        /// Request `id` failed as a whole.
        public mutating func requestFailed(
            _ id: Int, _ failure: RequestFailure, rateLimit: RateLimitInfo?, now: Date
        ) -> [Action] {
            guard var flight = inFlight.removeValue(forKey: id) else { return pump(now: now) }
            pacer.recordCompletion(now: now)
            if let rateLimit { pacer.observe(rateLimit, now: now) }
            var actions: [Action] = []
            switch failure {
            case .rateLimited(let daily, let retryAfter):
                summary.rateLimited += 1
                lastError = daily ? "HubSpot daily limit reached" : "HubSpot rate limit reached (429)"
                if daily {
                    pacer.dailyLimitReached(now: now)
                } else {
                    pacer.rateLimited(retryAfter: retryAfter, now: now)
                }
                retries.append((flight, now))
            case .transient(let message, let retryAfter):
                lastError = message
                if let giveUp = configuration.giveUpAfter,
                    now.timeIntervalSince(lastProgressAt) >= giveUp.timeInterval
                {
                    stopped = true
                    return [.stop(.gaveUp(lastError: message))]
                }
                let delay = retryAfter ?? configuration.backoff.delay(attempt: flight.attempt, using: &random)
                flight.attempt += 1
                retries.append((flight, now.addingTimeInterval(delay.timeInterval)))
            case .authenticationExpired:
                retries.append((flight, now))
                if !refreshingToken {
                    refreshingToken = true
                    actions.append(.refreshToken)
                }
            case .reconnectionRequired(let message):
                lastError = message
                retries.append((flight, now))
                if paused == nil {
                    paused = .reconnectionRequired(message)
                    actions.append(.pause(.reconnectionRequired(message)))
                }
            case .missingScopes(let scopes, let message):
                lastError = message
                stopped = true
                return [.stop(.missingScopes(scopes, message: message))]
            case .refused(let error):
                lastProgressAt = now
                if flight.items.count > 1 {
                    // Split until the bad inputs are isolated; both halves go out at once.
                    let (left, right) = split(flight)
                    retries.insert(contentsOf: [(left, now), (right, now)], at: 0)
                } else {
                    busyKeys.subtract(flight.keys)
                    for item in flight.items.values { refuse(item, error) }
                }
            }
            return actions + emit() + pump(now: now)
        }

        /// A timer the machine asked for fired.
        public mutating func wake(now: Date) -> [Action] { pump(now: now) }

        /// The token was refreshed: requests held back by the 401 go out again.
        public mutating func tokenRefreshed(now: Date) -> [Action] {
            refreshingToken = false
            return pump(now: now)
        }

        /// `leadsync connect` ran again: resume after `reconnection_required`.
        public mutating func connectionRestored(now: Date) -> [Action] {
            refreshingToken = false
            paused = nil
            return pump(now: now)
        }

        /// Resume after a pause for the daily limit (at its reset, or to probe).
        public mutating func resume(now: Date) -> [Action] {
            paused = nil
            return pump(now: now)
        }

        /// A request made outside the machine (the property list at start) counts against the budget.
        public mutating func recordExternalRequest(now: Date) {
            pacer.recordSend(now: now)
            pacer.recordCompletion(now: now)
            summary.requests += 1
        }

        /// `--max-seconds` ran out or a shutdown began: start no new batch, finish those in flight.
        public mutating func stopIssuing(now: Date) -> [Action] {
            issuing = false
            return pump(now: now)
        }

        // MARK: Pumping

        private mutating func pump(now: Date) -> [Action] {
            guard !stopped, !idle else { return [] }
            if !issuing, inFlight.isEmpty, !loading {
                idle = true
                let left = !queue.isEmpty || !retries.isEmpty || !passExhausted || passSkippedBusy
                return [.finished(sendableLeft: left)]
            }
            guard paused == nil, !refreshingToken else { return [] }
            var actions: [Action] = []
            var wakeAt: Date?
            while issuing, inFlight.count < pacer.concurrency(latency: latency) {
                let due = retries.firstIndex { $0.notBefore <= now }
                guard due != nil || !queue.isEmpty else { break }
                switch pacer.decide(now: now) {
                case .now:
                    break
                case .at(let date):
                    wakeAt = date
                case .dailyLimitReached(let resetAt):
                    paused = .dailyLimit(resetAt: resetAt)
                    lastError = "HubSpot daily limit reached"
                    return actions + [.pause(.dailyLimit(resetAt: resetAt))]
                }
                if wakeAt != nil { break }
                var flight: Flight
                if let due {
                    flight = retries.remove(at: due).flight
                } else {
                    let items = BatchPlanner.takeBatch(
                        from: &queue, maximum: configuration.maximumBatchSize, busy: busyKeys, kind: \.kind,
                        keys: \.record.keys)
                    guard !items.isEmpty else { break }
                    flight = makeFlight(items)
                    busyKeys.formUnion(flight.keys)
                }
                flight.sentAt = now
                pacer.recordSend(now: now)
                summary.requests += 1
                if !flight.request.kind.isRead {
                    summary.writeRequests += 1
                    summary.writeInputs += flight.request.inputs.count
                }
                inFlight[flight.request.id] = flight
                actions.append(.send(flight.request))
            }
            if let next = retries.map(\.notBefore).min(), next > now {
                wakeAt = min(wakeAt ?? next, next)
            }
            if issuing, !loading, !passExhausted, queue.count < configuration.refillBelow {
                actions += beginLoad(newPass: false)
            }
            if issuing, inFlight.isEmpty, retries.isEmpty, !loading {
                if queue.isEmpty, passExhausted {
                    if passHadSends || passSkippedBusy {
                        // Leads skipped while busy, or changed since: one more pass finds them.
                        passExhausted = false
                        passHadSends = false
                        passSkippedBusy = false
                        actions += beginLoad(newPass: true)
                    } else {
                        idle = true
                        actions.append(.finished(sendableLeft: false))
                    }
                }
            }
            if let wakeAt { actions.append(.wake(at: wakeAt)) }
            return actions
        }

        private mutating func beginLoad(newPass: Bool) -> [Action] {
            loading = true
            return [.loadWindow(newPass: newPass)]
        }

        private mutating func makeFlight(_ items: [Item]) -> Flight {
            let id = nextRequestID
            nextRequestID += 1
            let kind = items[0].kind
            var inputs: [OutboundRequest.Input] = []
            var byTrace: [String: Item] = [:]
            var keys = Set<String>()
            var readProperties: Set<String> = []
            for (index, item) in items.enumerated() {
                let traceID = "\(id)-\(index)"
                let properties =
                    kind.isRead
                    ? [:] : Dictionary(item.record.values.map { ($0.property, $0.wire) }, uniquingKeysWith: { $1 })
                inputs.append(OutboundRequest.Input(key: item.key, traceID: traceID, properties: properties))
                byTrace[traceID] = item
                keys.formUnion(item.record.keys)
                if kind.isRead {
                    readProperties.formUnion(item.record.values.filter { $0.rule == .ifEmpty }.map(\.property))
                }
            }
            if kind == .readByEmail { readProperties.insert(Mapping.identityProperty) }
            if kind == .readByID { readProperties.insert(Self.mergedIDsProperty) }
            let request = OutboundRequest(id: id, kind: kind, inputs: inputs, readProperties: readProperties.sorted())
            return Flight(request: request, items: byTrace, keys: keys, sentAt: .distantPast)
        }

        private mutating func split(_ flight: Flight) -> (Flight, Flight) {
            let half = flight.request.inputs.count / 2
            func part(_ inputs: ArraySlice<OutboundRequest.Input>, id: Int) -> Flight {
                let items = Dictionary(uniqueKeysWithValues: inputs.map { ($0.traceID, flight.items[$0.traceID]!) })
                var request = flight.request
                request.id = id
                request.inputs = Array(inputs)
                let keys = items.values.reduce(into: Set<String>()) { $0.formUnion($1.record.keys) }
                return Flight(request: request, items: items, keys: keys, sentAt: flight.sentAt)
            }
            let left = part(flight.request.inputs[..<half], id: nextRequestID)
            let right = part(flight.request.inputs[half...], id: nextRequestID + 1)
            nextRequestID += 2
            return (left, right)
        }

        // MARK: Outcomes

        /// HubSpot lists the ids merged into a contact here; a read by an old id answers with the new.
        static var mergedIDsProperty: String { "hs_merged_object_ids" }

        private mutating func handleWrite(_ flight: Flight, _ response: BatchResult) {
            var open = flight.items
            for contact in response.results {
                guard let trace = writeTrace(of: contact, in: open, kind: flight.request.kind) else { continue }
                let item = open.removeValue(forKey: trace)!
                let record = item.record
                note(
                    record.lead, remoteID: contact.id != record.remoteID ? .set(contact.id) : .keep,
                    fields: record.values.map { $0.outcome(.delivered(property: $0.property, sent: $0.wire)) })
                if record.mark != .none { unrecordedMarks[record.lead] = LeadMark.none }
                summary.delivered += 1
                summary.deliveredValues += record.values.count
                finish(record.lead)
            }
            for error in response.errors {
                var traces = error.traceIds.filter { open[$0] != nil }
                if traces.isEmpty {
                    traces = open.filter { error.ids.contains($0.value.key) }.map(\.key)
                }
                for trace in traces {
                    refuse(open.removeValue(forKey: trace)!, error)
                }
            }
            for var item in open.values {
                // HubSpot neither wrote nor refused it: still pending. Try twice more, then leave
                // it to the next run rather than loop.
                item.unanswered += 1
                if item.unanswered < 3 {
                    queue.insert(item, at: 0)
                } else {
                    lastError = "HubSpot did not answer for lead \(item.record.lead)"
                    parked[item.record.lead] = item.record.pendingThrough
                    finish(item.record.lead)
                }
            }
        }

        /// Which open input a written contact answers: its echoed trace id, else its id or email.
        private func writeTrace(of contact: Contact, in open: [String: Item], kind: OutboundRequest.Kind) -> String? {
            if let trace = contact.objectWriteTraceId, open[trace] != nil { return trace }
            let email = contact.properties[Mapping.identityProperty].flatMap(EmailAddress.init)
            return open.first { _, item in
                kind == .updateByID ? item.record.remoteID == contact.id : item.record.email == email && email != nil
            }?.key
        }

        private mutating func handleRead(_ flight: Flight, _ response: BatchResult) {
            for var item in flight.items.values {
                let found: Contact? =
                    if let id = item.record.remoteID {
                        response.results.first { $0.id == id || Self.mergedIDs(of: $0).contains(id) }
                    } else {
                        response.results.first { contact in
                            contact.properties[Mapping.identityProperty].flatMap(EmailAddress.init) == item.record.email
                        }
                    }
                if let found {
                    item.hubSpot = found.properties
                    if found.id != item.record.remoteID {
                        note(item.record.lead, remoteID: .set(found.id))
                        item.record.remoteID = found.id
                    }
                } else if item.record.remoteID != nil {
                    let error =
                        response.errors.first { $0.ids.contains(item.key) }
                        ?? HubSpotError(
                            status: 207, category: "OBJECT_NOT_FOUND", message: Self.notFoundMessage,
                            ids: [item.key], classification: .permanentForRecords)
                    refuse(item, error)
                    continue
                } else if configuration.pushRules.create {
                    // No contact has the email: the upsert creates it, so every property is empty.
                    item.hubSpot = [:]
                } else {
                    if item.record.mark != .unmatched { unrecordedMarks[item.record.lead] = .unmatched }
                    summary.unmatched += 1
                    parked[item.record.lead] = item.record.pendingThrough
                    finish(item.record.lead)
                    continue
                }
                item.stage = .write
                if let item = applyWriteRules(item) {
                    queue.insert(item, at: 0)
                } else {
                    finish(item.record.lead)
                }
            }
        }

        /// HubSpot's message for an id it cannot find (hubspot-api.md §3.3).
        static var notFoundMessage: String {
            "Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid."
        }

        static func mergedIDs(of contact: Contact) -> [String] {
            (contact.properties[mergedIDsProperty] ?? "").split(separator: ";").map(String.init)
        }

        /// HubSpot refused `item` (or its batch, when it was alone in it).
        private mutating func refuse(_ item: Item, _ error: HubSpotError) {
            var item = item
            let lead = item.record.lead
            func reject(_ values: [LeadRecord.Value], remoteID: LeadOutcome.RemoteID = .keep) {
                let result = LeadOutcome.Field.Result.rejected(
                    category: error.category ?? "http_\(error.status)", message: error.message, source: .remote)
                note(lead, remoteID: remoteID, fields: values.map { $0.outcome(result) })
                summary.rejected += values.count
            }
            switch error.category {
            case "OBJECT_NOT_FOUND" where item.record.remoteID != nil:
                // Deleted, archived or GDPR-deleted: forget the id, never recreate on our own.
                reject(item.record.values, remoteID: .clear)
            case "CONFLICT":
                guard let existing = error.existingId ?? Self.existingID(in: error.message) else {
                    reject(item.record.values)
                    break
                }
                // The contact exists: link to it and send the record again as an update. What
                // we assumed empty may not be.
                note(lead, remoteID: .set(existing))
                item.record.remoteID = existing
                item.hubSpot = nil
                item.stage = .write
                if let retried = applyWriteRules(item) {
                    queue.insert(retried, at: 0)
                    return
                }
            default:
                let named = Set(error.propertyNames + Refusal.propertyNames(inValidationMessage: error.message))
                let refused = item.record.values.filter { named.contains($0.property) }
                let rest = item.record.values.filter { !named.contains($0.property) }
                if refused.isEmpty || rest.isEmpty {
                    reject(item.record.values)
                } else {
                    // Refusal is per value: the rest goes out again.
                    reject(refused)
                    item.record.values = rest
                    queue.insert(item, at: 0)
                    return
                }
            }
            finish(lead)
        }

        /// The id in HubSpot's `Contact already exists. Existing ID: 512`.
        static func existingID(in message: String) -> String? {
            guard let range = message.range(of: "Existing ID: ") else { return nil }
            let digits = message[range.upperBound...].prefix { $0.isNumber }
            return digits.isEmpty ? nil : String(digits)
        }

        /// Applies write rules with what is known of HubSpot's values; returns the item to send
        /// (moved to the read stage when an `if-empty` value needs HubSpot's value first), or nil
        /// when nothing is left to send.
        private mutating func applyWriteRules(_ item: Item) -> Item? {
            var item = item
            var kept: [LeadRecord.Value] = []
            var needsRead = false
            for value in item.record.values {
                let hubSpot: WriteRuleResolver.HubSpotValue =
                    item.hubSpot.map { .known($0[value.property]) } ?? .unknown
                switch WriteRuleResolver.decide(rule: value.rule, localIsNull: value.isNull, hubSpot: hubSpot) {
                case .send:
                    kept.append(value)
                case .needsHubSpotValue:
                    kept.append(value)
                    needsRead = true
                case .skip(let hubSpotValue):
                    let skipped = value.outcome(.skipped(property: value.property, remoteValue: hubSpotValue))
                    note(item.record.lead, fields: [skipped])
                    summary.skipped += 1
                }
            }
            guard !kept.isEmpty else { return nil }
            item.record.values = kept
            if needsRead { item.stage = .read }
            return item
        }

        private mutating func finish(_ lead: String) {
            busyLeads.remove(lead)
        }

        /// Adds to the outcome of `lead` gathered for the current event.
        private mutating func note(
            _ lead: String, remoteID: LeadOutcome.RemoteID = .keep, fields: [LeadOutcome.Field] = []
        ) {
            if let index = unrecorded.lastIndex(where: { $0.lead == lead }) {
                unrecorded[index].fields += fields
                if remoteID != .keep { unrecorded[index].remoteID = remoteID }
            } else if remoteID != .keep || !fields.isEmpty {
                unrecorded.append(LeadOutcome(lead: lead, remoteID: remoteID, fields: fields))
            }
        }

        /// The outcomes and marks gathered for the current event, as one action.
        private mutating func emit() -> [Action] {
            defer {
                unrecorded = []
                unrecordedMarks = [:]
            }
            return unrecorded.isEmpty && unrecordedMarks.isEmpty ? [] : [.record(unrecorded, marks: unrecordedMarks)]
        }
    }
}
