package import Foundation
package import HubSpotAPI
package import LeadSyncJournal

extension Reconciler {
    /// The reconciliation loop's decisions, with no I/O: events in (the property definitions
    /// arrived, a window of pending leads was read, a response or a failure arrived, a timer
    /// fired), actions out (fetch the definitions, send this batch, record these outcomes, load
    /// the next window, wake me at, pause, stop). Its life is one ``State``; HubSpot's answers
    /// reach it already interpreted (``BatchAnswer``, ``RequestFailure``), and every request it
    /// makes, the definitions included, goes through its ``Pacer``.
    ///
    /// Time comes in as `now` and jitter from the injected generator, so tests feed events and
    /// assert actions deterministically.
    ///
    /// ```swift
    /// var machine = Reconciler.StateMachine(configuration: config, random: SplitMix64(seed: 7), now: clock.now)
    /// var actions = machine.start(now: clock.now)         // [.fetchDefinitions]
    /// actions = machine.definitionsReceived(.success(definitions), rateLimit: nil, now: clock.now)
    /// actions = machine.windowLoaded(leads, endOfPass: true, now: clock.now)   // [.send(...)]
    /// actions = machine.requestFailed(id, .rateLimited(daily: false, retryAfter: nil), rateLimit: nil, now: clock.now)
    /// ```
    package struct StateMachine<Random: RandomNumberGenerator & Sendable>: Sendable {
        /// What the machine decides with.
        package struct Configuration: Sendable {
            /// HubSpot's contact property definitions by name; nil (the default): the machine
            /// fetches them first (``Action/fetchDefinitions``).
            package var definitions: [String: PropertyDefinition]?
            package var pushRules: PushRules
            package var pacer = Pacer.Configuration()
            /// Default 100: HubSpot's batch maximum.
            package var maximumBatchSize = BatchPlanner.maximumInputs
            /// Default 400: ask for the next window while fewer records than four full batches
            /// are queued, so the pipe never drains. The machine asks for more while the pacer
            /// has free slots for more full batches than that (``refillTarget``).
            package var refillBelow = 400
            /// Default 250 ms: while the pacer's window is full and its next slot frees sooner
            /// than this, the machine asks for a window only below ``refillBelow``. A window read
            /// holds up the shell's loop (it waits for the journal to record every answer first,
            /// p90 ≈ 60 ms on a busy machine), and slots freeing meanwhile would wait for it; the
            /// batches queued while the window was full serve them (issue 11).
            package var quietBeforeReading: Duration = .milliseconds(250)
            /// Default 1 %: the share of the window's budget (rounded down: one request at 100 to
            /// 199 a window, none under 100) kept out of any half window while the pass has more to
            /// read, for each kind of write a change recorded now may need — an upsert by email (its
            /// lead has no contact yet) and an update by id (it has one) go in separate batches, so
            /// two requests at 100 to 199. Those requests go half a window after the others, and
            /// since a slot frees a window after its request, they stay there: a slot frees at least
            /// every half window, so a change recorded now (``freshLeadsLoaded(_:now:)``, at the
            /// queue's front) waits for one about half a window at most, not a whole window behind
            /// the backlog's burst.
            /// Each slot still carries one request a window; a drain whose last window needs the
            /// late share ends half a window later. At 5 % that cost 5 s in `DrainBenchmark live`
            /// (issue 11, decision 0040).
            package var secondHalfShare = 0.01
            /// Default nil (never): stop when no request has succeeded for this long.
            package var giveUpAfter: Duration?
            package var backoff = Backoff()

            package init(definitions: [String: PropertyDefinition]? = nil, pushRules: PushRules) {
                self.definitions = definitions
                self.pushRules = pushRules
            }
        }

        /// What the shell must do next, in order.
        package enum Action: Sendable, Hashable {
            /// Fetch HubSpot's contact property definitions and answer with
            /// ``definitionsReceived(_:rateLimit:now:)``.
            case fetchDefinitions
            /// Read the next window of pending leads (from the start when `newPass`), after the
            /// records asked for before it, and answer with ``windowLoaded(_:endOfPass:now:)``. The
            /// machine goes on meanwhile: records asked for later may not show in the window.
            case loadWindow(newPass: Bool)
            /// Send this request; answer with ``responseReceived(_:_:rateLimit:now:)`` or
            /// ``requestFailed(_:_:rateLimit:now:)``.
            case send(OutboundRequest)
            /// Record these outcomes in the journal, in one transaction, and these marks (what
            /// leads wait for), before the next window is read: a window loaded later must see them.
            case record([LeadOutcome], marks: [String: LeadMark])
            /// Call ``wake(now:)`` at this time (a retry, the pacer or `--give-up-after` is due).
            case wake(at: Date)
            /// Nothing can be sent until the reason is lifted; everything stays pending.
            case pause(PauseReason)
            /// The drain cannot go on; everything unsent stays pending.
            case stop(StopReason)
            /// Nothing more to do; `sendableLeft` when ``stopIssuing(now:)`` cut the drain short.
            case finished(sendableLeft: Bool)
        }

        package enum PauseReason: Sendable, Hashable {
            /// Call ``connectionRestored(now:)`` after `leadsync connect`.
            case reconnectionRequired(String)
            /// Call ``resume(now:)`` after the reset.
            case dailyLimit(resetAt: Date)
        }

        package enum StopReason: Sendable, Hashable {
            case missingScopes([String], message: String)
            /// The server failed TLS verification.
            case untrusted(String)
            /// `--give-up-after` elapsed without a successful request.
            case gaveUp(lastError: String)
        }

        /// Where the machine is in its life; each event is handled according to it.
        enum State: Sendable, Hashable {
            /// Before ``start(now:recheckWaiting:)``, and after `.finished` until the next start.
            case idle
            /// Fetching HubSpot's property definitions: the request is out, or due at `due`.
            case fetchingDefinitions(attempt: Int, due: Date?)
            /// Reading windows and sending batches.
            case draining
            /// Sending nothing until the reason is lifted; answers in flight are still handled.
            case paused(PauseReason)
            /// Starting nothing new; `.finished` once the requests in flight are answered.
            case stopping
            /// `.stop` was returned: the drain is over for good.
            case ended
        }

        /// The journal pass being read: where the reading stands, and whether the pass must be
        /// followed by another (it sent something, or skipped leads that were busy).
        struct Pass: Sendable, Hashable {
            enum Reading: Sendable, Hashable {
                /// More windows to read.
                case more
                /// A window is being read.
                case loading
                /// The last window of the pass was read.
                case exhausted
            }

            var reading = Reading.more
            var sent = false
            var skippedBusy = false
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
            /// Built from a change recorded while the drain ran (``freshLeadsLoaded(_:now:)``): a
            /// batch of such items only does not wait to be filled (``takeBatch()``).
            var fresh = false

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
            /// The item of each of the request's inputs, in their order.
            var items: [Item]
            var sentAt: Date
            var attempt = 0

            /// The keys its items hold busy while it is in flight or waiting to be retried. A
            /// closure, not a key path: a key path through this generic type's `Item` is made
            /// anew at every use (it showed in the profile, at every answer and batch sent).
            var keys: some Sequence<LeadRecord.Key> { items.lazy.flatMap { $0.record.keys } }
        }

        package let configuration: Configuration
        private var builder: RecordBuilder?
        package private(set) var pacer: Pacer
        private var random: Random
        package private(set) var summary = DrainSummary()
        /// Requests sent and not yet answered.
        package var requestsInFlight: Int { inFlight.count }
        /// The last failure seen, for `status` and `--give-up-after`.
        package private(set) var lastError: String?

        private(set) var state = State.idle
        private var pass = Pass()
        private var queue: [Item] = []
        /// Windows read while the property definitions were being fetched, not yet built (fresh
        /// leads first, as a window of their own).
        private var unbuilt: [[PendingLead]] = []
        private var inFlight: [Int: Flight] = [:]
        private var retries: [(flight: Flight, notBefore: Date)] = []
        /// Leads queued, in flight or waiting to be retried: never in two batches at once.
        private var busyLeads: Set<String> = []
        /// Keys (lead, email, contact id) of requests in flight or waiting to be retried.
        private var busyKeys: Set<LeadRecord.Key> = []
        /// Leads left waiting (identity, match) in this run, with their highest pending seq.
        private var parked: [String: Int64] = [:]
        /// The last success (or the start); `--give-up-after` counts from it.
        private var lastProgressAt: Date
        /// A request failed since ``lastProgressAt``: `--give-up-after` is running.
        private var failingSinceProgress = false
        private var definitionsSentAt: Date?
        /// When the recent requests were sent, oldest first (``Configuration/secondHalfShare``).
        private var recentSends: [Date] = []
        private var nextRequestID = 1
        /// Outcomes and marks gathered while handling one event, emitted as one `.record`.
        private var unrecorded: [LeadOutcome] = []
        /// Where each lead's outcome is in ``unrecorded``: an answer notes a hundred leads.
        private var unrecordedIndex: [String: Int] = [:]
        private var unrecordedMarks: [String: LeadMark] = [:]
        /// Leads recorded while a window is read: the window may show them as they were before.
        private var recordedDuringRead: Set<String> = []

        package init(configuration: Configuration, random: Random, now: Date) {
            self.configuration = configuration
            self.builder = configuration.definitions.map(RecordBuilder.init(definitions:))
            self.pacer = Pacer(configuration: configuration.pacer, now: now)
            self.random = random
            self.lastProgressAt = now
        }

        // MARK: Events

        /// Begins a drain (or, after `.finished` in follow mode, a new pass over the journal):
        /// fetches the property definitions first when they are not known yet, reading the first
        /// windows meanwhile.
        /// `recheckWaiting` forgets which leads waited, so unmatched leads are read again.
        package mutating func start(now: Date, recheckWaiting: Bool = false) -> [Action] {
            guard configuration.pushRules.update else { return [.finished(sendableLeft: false)] }
            if recheckWaiting { parked = [:] }
            pass = Pass()
            lastProgressAt = now
            failingSinceProgress = false
            unbuilt = []
            guard builder != nil else {
                // The first windows are read while the definitions request is out, so the first
                // burst's batches are only built once they arrive (``firstBurst``).
                state = .fetchingDefinitions(attempt: 0, due: now)
                return pump(now: now) + beginLoad(newPass: true)
            }
            state = .draining
            return beginLoad(newPass: true) + pump(now: now)
        }

        /// HubSpot answered the property definitions request. `roundTrip`: when it really left and
        /// came back (default: issued by the machine, answered `now`).
        package mutating func definitionsReceived(
            _ result: Result<[PropertyDefinition], RequestFailure>, rateLimit: RateLimitInfo?, now: Date,
            roundTrip: RoundTrip? = nil
        ) -> [Action] {
            guard let sentAt = definitionsSentAt else { return [] }
            definitionsSentAt = nil
            pacer.recordCompletion(now: roundTrip?.answered ?? now, sentAt: roundTrip?.sent ?? sentAt)
            if let rateLimit { pacer.observe(rateLimit, now: now) }
            // Stopped or paused meanwhile: the answer still counts, the state stays.
            guard case .fetchingDefinitions(let attempt, _) = state else {
                if case .success(let definitions) = result { learn(definitions) }
                return pump(now: now)
            }
            switch result {
            case .success(let definitions):
                learn(definitions)
                progressed(at: now)
                state = .draining
                buildReadAhead()
                return emit() + pump(now: now)
            case .failure(.refused(let refusal)):
                state = .ended
                return [.stop(.gaveUp(lastError: "HubSpot refused the property list: \(refusal.message)"))]
            case .failure(let failure):
                guard let retryAt = retryTime(after: failure, attempt: attempt, now: now) else {
                    return end(failure, now: now)
                }
                state = .fetchingDefinitions(attempt: attempt + 1, due: retryAt)
                return pump(now: now)
            }
        }

        /// A window of pending leads was read. `endOfPass`: no leads after these.
        package mutating func windowLoaded(_ leads: [PendingLead], endOfPass: Bool, now: Date) -> [Action] {
            pass.reading = endOfPass ? .exhausted : .more
            var leads = leads
            if !recordedDuringRead.isEmpty {
                // Read before their records were committed: the next pass reads them as they are.
                let count = leads.count
                leads.removeAll { recordedDuringRead.contains($0.lead) }
                if leads.count < count { pass.skippedBusy = true }
                recordedDuringRead = []
            }
            guard builder != nil else {
                // Read while the definitions are fetched: built when they arrive.
                unbuilt.append(leads)
                let actions = pump(now: now)
                guard case .fetchingDefinitions = state, pass.reading == .more,
                    unbuilt.reduce(0, { $0 + $1.count }) < firstBurst
                else {
                    return actions
                }
                return actions + beginLoad(newPass: false)
            }
            queue.append(contentsOf: items(for: leads))
            return emit() + pump(now: now)
        }

        /// Leads to read while the property definitions are fetched: a full batch for each request
        /// the pacer may start at once when they arrive (``Pacer/Configuration/maximumConcurrency``
        /// up to the limit), at least ``Configuration/refillBelow``. Read one window after another
        /// only once the definitions had come, the 51st request of a paced drain left ≈ 0.5 s after
        /// the process started (issue 11, decision 0035).
        private var firstBurst: Int {
            max(
                configuration.refillBelow,
                min(configuration.pacer.maximumConcurrency, pacer.limit) * configuration.maximumBatchSize)
        }

        /// Leads that changes recorded since the drain began made pending (the shell looks every
        /// second): they go first, ahead of the window being read, so a change recorded now does
        /// not wait for a whole pass. A lead still queued is built again with its newest values;
        /// one on the wire waits for the next pass.
        package mutating func freshLeadsLoaded(_ leads: [PendingLead], now: Date) -> [Action] {
            let changed = Set(leads.map(\.lead))
            if builder == nil {
                // Windows are read while the definitions are fetched: these go first when they come.
                for index in unbuilt.indices { unbuilt[index].removeAll { changed.contains($0.lead) } }
                unbuilt.insert(leads, at: 0)
            }
            guard case .draining = state else { return pump(now: now) }
            queue.removeAll { item in
                guard changed.contains(item.record.lead) else { return false }
                busyLeads.remove(item.record.lead)
                return true
            }
            queue.insert(contentsOf: items(for: leads, fresh: true), at: 0)
            return emit() + pump(now: now)
        }

        /// Whether `lead` is in a request on the wire or waiting to be retried (not merely queued):
        /// ``freshLeadsLoaded(_:now:)`` cannot take a change to it until that request is answered.
        package func isOnTheWire(_ lead: String) -> Bool {
            busyLeads.contains(lead) && !queue.contains { $0.record.lead == lead }
        }

        /// The items to send for `leads`, in the order their contacts need: local rejections,
        /// identity waits and write-rule skips noted on the way. `fresh`: the leads' changes were
        /// recorded while the drain ran.
        private mutating func items(for leads: [PendingLead], fresh: Bool = false) -> [Item] {
            guard let builder else { return [] }
            var made: [Item] = []
            for lead in leads {
                if busyLeads.contains(lead.lead) {
                    pass.skippedBusy = true
                    continue
                }
                let through = lead.fields.lazy.map(\.seq).max() ?? 0
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
                let item = Item(record: record, stage: needsMatch ? .read : .write, hubSpot: nil, fresh: fresh)
                if let item = applyWriteRules(item) {
                    made.append(item)
                    busyLeads.insert(lead.lead)
                    pass.sent = true
                }
            }
            // Leads sharing a contact go out in (at, append) order of their newest change. Sorted
            // by index, each record's newest change found once: sorting the items themselves,
            // finding it at every comparison, was a sixteenth of an unthrottled sync's time.
            let newest = made.map { $0.record.newest }
            let order = made.indices.sorted { a, b in newest[a] != newest[b] ? newest[a] < newest[b] : a < b }
            return order.map { made[$0] }
        }

        /// HubSpot answered request `id` with 200, 201 or 207. `roundTrip`: when it really left and
        /// came back (default: issued by the machine, answered `now`).
        package mutating func responseReceived(
            _ id: Int, _ answer: BatchAnswer, rateLimit: RateLimitInfo?, now: Date, roundTrip: RoundTrip? = nil
        ) -> [Action] {
            guard let flight = inFlight.removeValue(forKey: id) else { return pump(now: now) }
            pacer.recordCompletion(now: roundTrip?.answered ?? now, sentAt: roundTrip?.sent ?? flight.sentAt)
            if let rateLimit { pacer.observe(rateLimit, now: now) }
            progressed(at: now)
            for key in flight.keys { busyKeys.remove(key) }
            if flight.request.kind.isRead {
                handleRead(flight, answer)
            } else {
                handleWrite(flight, answer)
            }
            return emit() + pump(now: now)
        }

        /// Request `id` failed as a whole. `roundTrip`: as for ``responseReceived(_:_:rateLimit:now:roundTrip:)``.
        package mutating func requestFailed(
            _ id: Int, _ failure: RequestFailure, rateLimit: RateLimitInfo?, now: Date, roundTrip: RoundTrip? = nil
        ) -> [Action] {
            guard var flight = inFlight.removeValue(forKey: id) else { return pump(now: now) }
            pacer.recordCompletion(now: roundTrip?.answered ?? now, sentAt: roundTrip?.sent ?? flight.sentAt)
            if let rateLimit { pacer.observe(rateLimit, now: now) }
            if case .refused(let refusal) = failure {
                // HubSpot answered: the request itself was fine, some input of it was not.
                progressed(at: now)
                if flight.items.count > 1 {
                    // Split until the bad inputs are isolated; both halves go out at once.
                    let (left, right) = split(flight)
                    retries.insert(contentsOf: [(left, now), (right, now)], at: 0)
                } else {
                    for key in flight.keys { busyKeys.remove(key) }
                    for item in flight.items { refuse(item, refusal) }
                }
                return emit() + pump(now: now)
            }
            guard let retryAt = retryTime(after: failure, attempt: flight.attempt, now: now) else {
                retries.append((flight, now))
                return end(failure, now: now)
            }
            flight.attempt += 1
            retries.append((flight, retryAt))
            return emit() + pump(now: now)
        }

        /// A timer the machine asked for fired.
        package mutating func wake(now: Date) -> [Action] { pump(now: now) }

        /// `leadsync connect` ran again: resume after `reconnection_required`.
        package mutating func connectionRestored(now: Date) -> [Action] { resume(now: now) }

        /// Resume after a pause (at the daily limit's reset, to probe it, or after a new `connect`).
        package mutating func resume(now: Date) -> [Action] {
            guard case .paused = state else { return pump(now: now) }
            state = builder == nil ? .fetchingDefinitions(attempt: 0, due: now) : .draining
            if builder != nil { buildReadAhead() }
            return emit() + pump(now: now)
        }

        /// Requests made outside the machine by another lane (notes) with this pacer, handed back.
        package mutating func adoptPacer(_ pacer: Pacer) {
            self.pacer = pacer
        }

        /// `--max-seconds` ran out or a shutdown began: start no new request, finish those in flight.
        package mutating func stopIssuing(now: Date) -> [Action] {
            switch state {
            case .ended: return []
            case .idle: return [.finished(sendableLeft: false)]
            case .fetchingDefinitions, .draining, .paused, .stopping:
                state = .stopping
                return pump(now: now)
            }
        }

        // MARK: Failures

        /// Learns from a failed request; returns when to send it again, or nil when it cannot
        /// be retried (``end(_:now:)`` says what follows).
        private mutating func retryTime(after failure: RequestFailure, attempt: Int, now: Date) -> Date? {
            switch failure {
            case .rateLimited(let daily, let retryAfter):
                summary.rateLimited += 1
                lastError = daily ? "HubSpot daily limit reached" : "HubSpot rate limit reached (429)"
                if daily {
                    pacer.dailyLimitReached(now: now)
                } else {
                    pacer.rateLimited(retryAfter: retryAfter, now: now)
                }
                // The pacer holds it back until the window (or the day) allows.
                return now
            case .transient(let message, let retryAfter):
                lastError = message
                failingSinceProgress = true
                let delay = retryAfter ?? configuration.backoff.delay(attempt: attempt, using: &random)
                return now.addingTimeInterval(delay.timeInterval)
            case .reconnectionRequired, .missingScopes, .refused, .untrusted:
                return nil
            }
        }

        /// A failure no retry cures: pause or stop.
        private mutating func end(_ failure: RequestFailure, now: Date) -> [Action] {
            switch failure {
            case .reconnectionRequired(let message):
                lastError = message
                switch state {
                case .fetchingDefinitions, .draining:
                    state = .paused(.reconnectionRequired(message))
                    return emit() + [.pause(.reconnectionRequired(message))]
                case .idle, .paused, .stopping, .ended:
                    return emit() + pump(now: now)
                }
            case .missingScopes(let scopes, let message):
                lastError = message
                state = .ended
                return emit() + [.stop(.missingScopes(scopes, message: message))]
            case .untrusted(let message):
                lastError = message
                state = .ended
                return emit() + [.stop(.untrusted(message))]
            case .refused(let refusal):
                state = .ended
                return emit() + [.stop(.gaveUp(lastError: refusal.message))]
            case .rateLimited, .transient:
                return emit() + pump(now: now)
            }
        }

        /// A request succeeded: `--give-up-after` starts over.
        private mutating func progressed(at now: Date) {
            lastProgressAt = now
            failingSinceProgress = false
        }

        /// When `--give-up-after` runs out, while requests fail.
        private var giveUpAt: Date? {
            guard failingSinceProgress, let giveUp = configuration.giveUpAfter else { return nil }
            return lastProgressAt.addingTimeInterval(giveUp.timeInterval)
        }

        private mutating func learn(_ definitions: [PropertyDefinition]) {
            builder = RecordBuilder(
                definitions: Dictionary(definitions.map { ($0.name, $0) }, uniquingKeysWith: { $1 }))
        }

        /// Queues the windows read while the definitions were fetched, once draining can begin.
        private mutating func buildReadAhead() {
            for window in unbuilt { queue.append(contentsOf: items(for: window)) }
            unbuilt = []
        }

        // MARK: Pumping

        private mutating func pump(now: Date) -> [Action] {
            switch state {
            case .idle, .ended, .paused:
                return []
            case .stopping:
                guard inFlight.isEmpty, pass.reading != .loading else { return [] }
                state = .idle
                let left =
                    !queue.isEmpty || unbuilt.contains { !$0.isEmpty } || !retries.isEmpty || pass.reading != .exhausted
                    || pass.skippedBusy
                return [.finished(sendableLeft: left)]
            case .fetchingDefinitions, .draining:
                if let giveUpAt, giveUpAt <= now {
                    state = .ended
                    return [.stop(.gaveUp(lastError: lastError ?? "no request succeeded"))]
                }
            }
            if case .fetchingDefinitions(let attempt, let due) = state {
                return pumpDefinitions(attempt: attempt, due: due, now: now)
            }
            var actions: [Action] = []
            var wakeAt: Date?
            // When the pacer's next slot frees, if the full window stopped the sends.
            var slotFreesAt: Date?
            while inFlight.count < pacer.concurrency {
                let due = retries.firstIndex { $0.notBefore <= now }
                guard due != nil || (!queue.isEmpty && freeSlots > 0) else { break }
                switch admit(now: now) {
                case .sent: break
                case .wait(let date):
                    wakeAt = date
                    slotFreesAt = date
                case .paused(let pause):
                    return actions + [pause]
                }
                if wakeAt != nil { break }
                var flight: Flight
                if let due {
                    flight = retries.remove(at: due).flight
                } else {
                    let items = takeBatch()
                    guard !items.isEmpty else { break }
                    flight = makeFlight(items)
                    for key in flight.keys { busyKeys.insert(key) }
                }
                flight.sentAt = now
                countSend(now: now)
                if !flight.request.kind.isRead {
                    summary.writeRequests += 1
                    summary.writeInputs += flight.request.inputs.count
                }
                inFlight[flight.request.id] = flight
                actions.append(.send(flight.request))
            }
            if let next = retries.lazy.map({ $0.notBefore }).min(), next > now {
                wakeAt = min(wakeAt ?? next, next)
            }
            if let giveUpAt, !retries.isEmpty { wakeAt = min(wakeAt ?? giveUpAt, giveUpAt) }
            // While slots free one after another, a window read would hold them up.
            let slotFreesSoon = slotFreesAt.map {
                $0.timeIntervalSince(now) < configuration.quietBeforeReading.timeInterval
            }
            if pass.reading == .more, queue.count < (slotFreesSoon == true ? configuration.refillBelow : refillTarget) {
                actions += beginLoad(newPass: false)
            }
            if inFlight.isEmpty, retries.isEmpty, queue.isEmpty, pass.reading == .exhausted {
                if pass.sent || pass.skippedBusy {
                    // Leads skipped while busy, or changed since: one more pass finds them.
                    actions += beginLoad(newPass: true)
                } else {
                    state = .idle
                    actions.append(.finished(sendableLeft: false))
                }
            }
            if let wakeAt { actions.append(.wake(at: wakeAt)) }
            return actions
        }

        /// Takes the next batch worth sending now. A partial batch waits for what will fill it —
        /// the next window, or (for writes) the answers of reads in flight — and then the next
        /// kind is tried, so a waiting kind never holds up a full batch of another behind it.
        /// A partial batch of fresh changes only goes at once: no backlog record of its kind is
        /// queued, so the backlog's windows would not fill it. Changes to leads with a contact
        /// (updates by id) waited behind a backlog of upserts by email for a whole window, and
        /// the half-window slot kept for them carried backlog upserts instead (issue 11: 9–10 s
        /// of a live change's p99).
        private mutating func takeBatch() -> [Item] {
            // Whether a window is coming depends on the queue before any batch is taken.
            let windowIsComing = windowComing
            var waiting: Set<OutboundRequest.Kind> = []
            while true {
                let batch = BatchPlanner.nextBatch(
                    in: queue, maximum: configuration.maximumBatchSize, busy: busyKeys, kind: { $0.kind },
                    keys: { $0.record.keys }, skipping: waiting)
                guard let first = batch.ranges.first?.lowerBound else { return [] }
                let kind = queue[first].kind
                if batch.ranges.reduce(0, { $0 + $1.count }) < configuration.maximumBatchSize,
                    windowIsComing || (!kind.isRead && readsInFlight),
                    !batch.ranges.allSatisfy({ range in queue[range].allSatisfy { $0.fresh } })
                {
                    waiting.insert(kind)
                    continue
                }
                if batch.ranges.count == 1 {
                    // Moves the records behind the batch down in one piece: `removeSubranges`
                    // swaps them forward one by one, copying each (over a third of taking a batch
                    // in a perf profile of an unthrottled drain, thousands queued).
                    let items = Array(queue[batch.ranges[0]])
                    queue.removeSubrange(batch.ranges[0])
                    return items
                }
                let items = Array(queue[batch])
                queue.removeSubranges(batch)
                return items
            }
        }

        /// A window is being read, or will be asked for now: a partial batch may wait for it.
        /// Not when the queue is too full to ask for one (its items share keys, so they cannot
        /// fill a batch): then a partial batch goes, or nothing would.
        private var windowComing: Bool {
            pass.reading == .loading || (pass.reading == .more && queue.count < refillTarget)
        }

        /// Records to keep queued: full batches for every request the pacer may start now (its free
        /// slots), so a window's budget goes out at once when it frees, and never fewer than
        /// ``Configuration/refillBelow``. Counting free slots rather than all of them keeps the
        /// records held, queued plus in flight, to one set of batches: with 64 slots, a queue
        /// sized for all of them beside 64 full requests in flight held twice that and put
        /// `sync --once` at 86 MB (docs/benchmarks.md). While slots free one after another, only
        /// ``Configuration/refillBelow`` (``Configuration/quietBeforeReading``).
        private var refillTarget: Int {
            max(configuration.refillBelow, freeSlots * configuration.maximumBatchSize)
        }

        /// Slots for new batches: a batch waiting for its retry keeps its slot. Otherwise, while
        /// HubSpot fails, each failed batch's slot takes a new one that fails too, and the batches
        /// waiting out their backoff grow until they hold the whole backlog (a 108 MB heap was
        /// seen); this way in flight plus waiting stays one set of batches.
        private var freeSlots: Int { max(0, pacer.concurrency - inFlight.count - retries.count) }

        /// Reads are in flight: their answers queue the writes they decide (an `if-empty`
        /// field's update, a found contact's update by id), so a partial write batch may wait
        /// for them.
        private var readsInFlight: Bool { inFlight.values.contains { $0.request.kind.isRead } }

        /// The property definitions request, when it is due and the pacer lets it go.
        private mutating func pumpDefinitions(attempt: Int, due: Date?, now: Date) -> [Action] {
            guard let due else { return [] }
            let wakeAt = min(due, giveUpAt ?? due)
            guard due <= now else { return [.wake(at: wakeAt)] }
            switch admit(now: now) {
            case .sent:
                countSend(now: now)
                definitionsSentAt = now
                state = .fetchingDefinitions(attempt: attempt, due: nil)
                return [.fetchDefinitions]
            case .wait(let date):
                return [.wake(at: min(date, giveUpAt ?? date))]
            case .paused(let pause):
                return [pause]
            }
        }

        private enum Admission {
            /// The request may go now (the caller records it).
            case sent
            case wait(Date)
            /// The day's budget is spent: the machine paused.
            case paused(Action)
        }

        /// Counts a request the machine sends at `now`: in the pacer, the second half's record
        /// (``Configuration/secondHalfShare``) and the summary.
        private mutating func countSend(now: Date) {
            pacer.recordSend(now: now)
            recentSends.append(now)
            summary.requests += 1
        }

        /// Asks the pacer whether a request may go at `now`, and keeps a share of the window for its
        /// second half (``Configuration/secondHalfShare``).
        private mutating func admit(now: Date) -> Admission {
            switch pacer.decide(now: now) {
            case .now:
                if let later = secondHalfWait(now: now) { return .wait(later) }
                return .sent
            case .at(let date):
                return .wait(date)
            case .dailyLimitReached(let resetAt):
                state = .paused(.dailyLimit(resetAt: resetAt))
                lastError = "HubSpot daily limit reached"
                return .paused(.pause(.dailyLimit(resetAt: resetAt)))
            }
        }

        /// The kinds of write batch a change may need: upsert by email, update by id.
        private static var writeKinds: Int { 2 }

        /// When the next request may go if `limit` less the second half's share were sent in the
        /// last half window; nil when it may go now, or once the pass is read to its end (what is
        /// left then goes as soon as the window allows).
        private mutating func secondHalfWait(now: Date) -> Date? {
            let half = pacer.window.timeInterval / 2
            let horizon = now.addingTimeInterval(-half)
            recentSends.removeFirst(recentSends.prefix { $0 <= horizon }.count)
            let reserved = Int(Double(pacer.limit) * configuration.secondHalfShare) * Self.writeKinds
            let allowed = pacer.limit - reserved
            guard reserved > 0, pass.reading != .exhausted, recentSends.count >= allowed else { return nil }
            return recentSends[recentSends.count - allowed].addingTimeInterval(half)
        }

        private mutating func beginLoad(newPass: Bool) -> [Action] {
            if newPass { pass = Pass() }
            pass.reading = .loading
            return [.loadWindow(newPass: newPass)]
        }

        private mutating func makeFlight(_ items: [Item]) -> Flight {
            let id = nextRequestID
            nextRequestID += 1
            let kind = items[0].kind
            // Sized once: grown by appends, the flights in flight held a fifth more (heaptrack).
            var inputs: [OutboundRequest.Input] = []
            inputs.reserveCapacity(items.count)
            var readProperties: Set<String> = []
            for (index, item) in items.enumerated() {
                let properties =
                    kind.isRead
                    ? [:] : PropertyValues(item.record.values.map { .init(name: $0.property, value: $0.wire) })
                inputs.append(
                    OutboundRequest.Input(
                        key: item.key, traceID: OutboundRequest.traceID(index), properties: properties))
                if kind.isRead {
                    readProperties.formUnion(item.record.values.filter { $0.rule == .ifEmpty }.map(\.property))
                }
            }
            let request = OutboundRequest(id: id, kind: kind, inputs: inputs, readProperties: readProperties.sorted())
            return Flight(request: request, items: items, sentAt: .distantPast)
        }

        private mutating func split(_ flight: Flight) -> (Flight, Flight) {
            let half = flight.request.inputs.count / 2
            func part(_ range: Range<Int>, id: Int) -> Flight {
                let items = Array(flight.items[range])
                var request = flight.request
                request.id = id
                request.inputs = Array(flight.request.inputs[range])
                return Flight(request: request, items: items, sentAt: flight.sentAt)
            }
            let left = part(0..<half, id: nextRequestID)
            let right = part(half..<flight.items.count, id: nextRequestID + 1)
            nextRequestID += 2
            return (left, right)
        }

        // MARK: Outcomes

        private mutating func handleWrite(_ flight: Flight, _ answer: BatchAnswer) {
            for (input, item) in zip(flight.request.inputs, flight.items) {
                let trace = input.traceID
                if let contact = answer.contacts[trace] {
                    let record = item.record
                    note(
                        record.lead, remoteID: contact.id != record.remoteID ? .set(contact.id) : .keep,
                        fields: record.values.map { $0.outcome(.delivered(property: $0.property, sent: $0.wire)) })
                    if record.mark != .none { unrecordedMarks[record.lead] = LeadMark.none }
                    summary.delivered += 1
                    summary.deliveredValues += record.values.count
                    finish(record.lead)
                } else if let refusal = answer.refusals[trace] {
                    refuse(item, refusal)
                } else {
                    unanswered(item)
                }
            }
        }

        /// HubSpot neither wrote nor refused `item`: still pending. Try twice more, then leave it
        /// to the next run rather than loop.
        private mutating func unanswered(_ item: Item) {
            var item = item
            item.unanswered += 1
            if item.unanswered < 3 {
                queue.insert(item, at: 0)
            } else {
                lastError = "HubSpot did not answer for lead \(item.record.lead)"
                parked[item.record.lead] = item.record.pendingThrough
                finish(item.record.lead)
            }
        }

        private mutating func handleRead(_ flight: Flight, _ answer: BatchAnswer) {
            for (input, var item) in zip(flight.request.inputs, flight.items) {
                let trace = input.traceID
                if let found = answer.contacts[trace] {
                    item.hubSpot = found.properties
                    if found.id != item.record.remoteID {
                        note(item.record.lead, remoteID: .set(found.id))
                        item.record.remoteID = found.id
                    }
                } else if let refusal = answer.refusals[trace] {
                    refuse(item, refusal)
                    continue
                } else if item.record.remoteID != nil {
                    unanswered(item)
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

        /// HubSpot refused `item` (or its batch, when it was alone in it).
        private mutating func refuse(_ item: Item, _ refusal: InputRefusal) {
            var item = item
            let lead = item.record.lead
            func reject(_ values: [LeadRecord.Value], remoteID: LeadOutcome.RemoteID = .keep) {
                let result = LeadOutcome.Field.Result.rejected(
                    category: refusal.category, message: refusal.message, source: .remote)
                note(lead, remoteID: remoteID, fields: values.map { $0.outcome(result) })
                summary.rejected += values.count
            }
            switch refusal.verdict {
            case .notFound where item.record.remoteID != nil:
                // Deleted, archived or GDPR-deleted: forget the id, never recreate on our own.
                reject(item.record.values, remoteID: .clear)
            case .notFound:
                reject(item.record.values)
            case .conflict(let existing):
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
            case .invalidValues(let properties):
                let named = Set(properties)
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

        /// Applies write rules with what is known of HubSpot's values; returns the item to send
        /// (moved to the read stage when an `if-empty` value needs HubSpot's value first), or nil
        /// when nothing is left to send.
        private mutating func applyWriteRules(_ item: Item) -> Item? {
            var item = item
            // Usually every value is kept: the values kept are only gathered apart once one is
            // skipped, so the record keeps its own array.
            var kept: [LeadRecord.Value]?
            var needsRead = false
            for (index, value) in item.record.values.enumerated() {
                let hubSpot: WriteRuleResolver.HubSpotValue =
                    item.hubSpot.map { .known($0[value.property]) } ?? .unknown
                switch WriteRuleResolver.decide(rule: value.rule, localIsNull: value.isNull, hubSpot: hubSpot) {
                case .send:
                    kept?.append(value)
                case .needsHubSpotValue:
                    kept?.append(value)
                    needsRead = true
                case .skip(let hubSpotValue):
                    if kept == nil { kept = Array(item.record.values[..<index]) }
                    let skipped = value.outcome(.skipped(property: value.property, remoteValue: hubSpotValue))
                    note(item.record.lead, fields: [skipped])
                    summary.skipped += 1
                }
            }
            if let kept { item.record.values = kept }
            guard !item.record.values.isEmpty else { return nil }
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
            if let index = unrecordedIndex[lead] {
                unrecorded[index].fields += fields
                if remoteID != .keep { unrecorded[index].remoteID = remoteID }
            } else if remoteID != .keep || !fields.isEmpty {
                unrecordedIndex[lead] = unrecorded.count
                unrecorded.append(LeadOutcome(lead: lead, remoteID: remoteID, fields: fields))
            }
        }

        /// The outcomes and marks gathered for the current event, as one action.
        private mutating func emit() -> [Action] {
            if pass.reading == .loading {
                for outcome in unrecorded { recordedDuringRead.insert(outcome.lead) }
                recordedDuringRead.formUnion(unrecordedMarks.keys)
            }
            defer {
                unrecorded = []
                unrecordedIndex = [:]
                unrecordedMarks = [:]
            }
            return unrecorded.isEmpty && unrecordedMarks.isEmpty ? [] : [.record(unrecorded, marks: unrecordedMarks)]
        }
    }
}
