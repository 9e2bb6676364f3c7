internal import Dispatch
internal import Foundation
internal import Synchronization

/// What the fold in lead order applies to each lead of an ingest: per field, the value that
/// wins among the lead's changes, chosen on a thread of its own while the journal's queue
/// applies the leads before (the merge of the sorted runs and the choice of winners were a
/// quarter of the fold, which ran alone on one core after the parse: docs/benchmarks.md,
/// issue 10, tenth pass). The same thread folds each lead of a batch as if the journal held
/// none (``Batch/asNew``), with the journal's own rules: the journal's queue then only inserts
/// the leads it does not hold, and folds the others from their rows (the fold of a lead was
/// most of the queue's work, which bounded the fold: issue 10, eleventh pass). Leads come in
/// batches, at most two waiting; a batch holds bytes, not strings, and is reused, so that
/// memory is allocated and freed on the thread that applies it (frees from another thread
/// contended for malloc's lock).
final class LeadWinners: @unchecked Sendable {
    /// Leads and what to fold into each: only the winning values, each with the seq and `at` of
    /// the change that won it, grouped by that change (a step), in seq order. Touched by one
    /// thread at a time: handed over under the lock.
    final class Batch: @unchecked Sendable {
        /// Each lead's key in ``bytes``, and its steps.
        fileprivate(set) var leads: [(key: Range<Int>, steps: Range<Int>)] = []
        fileprivate(set) var steps: [(seq: Int64, at: Int64, fields: Range<Int>)] = []
        /// Each field's index in ``LeadWinners/names``, and its value's JSON text in ``bytes``.
        fileprivate(set) var fields: [(name: Int, value: Range<Int>)] = []
        /// Each lead's row as the fold writes it when the journal holds no such lead, by the
        /// index of ``leads``: its counted columns, and its state blob in ``bytes``.
        fileprivate(set) var asNew: [(counted: DerivedStateWriter.Counted, state: Range<Int>)] = []
        fileprivate(set) var bytes: [UInt8] = []
        /// Scratch: one step's fields.
        private var stepFields: [(name: String, value: String)] = []

        /// `range` of ``bytes`` as a string.
        func text(_ range: Range<Int>) -> String {
            bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
        }

        /// Folds the steps of the lead at `index` of ``leads``, whose key is `lead`, into `writer`.
        func fold(lead index: Int, _ lead: String, names: [String], into writer: DerivedStateWriter) throws {
            for step in steps[leads[index].steps] {
                stepFields.removeAll(keepingCapacity: true)
                for field in fields[step.fields] { stepFields.append((names[field.name], text(field.value))) }
                try writer.fold(seq: step.seq, lead: lead, at: step.at, fields: stepFields, origin: .local)
            }
        }

        fileprivate func removeAll() {
            leads.removeAll(keepingCapacity: true)
            steps.removeAll(keepingCapacity: true)
            fields.removeAll(keepingCapacity: true)
            asNew.removeAll(keepingCapacity: true)
            bytes.removeAll(keepingCapacity: true)
        }

        /// Folds every lead as new into ``asNew``, on this thread, with the journal's rules: the
        /// winners are each field's only value, so each becomes the field's value.
        fileprivate func foldAsNew(names: [String], rules: LeadRules) {
            var fields: [(name: String, value: String, seq: Int64, at: Int64)] = []
            for lead in leads {
                fields.removeAll(keepingCapacity: true)
                for step in steps[lead.steps] {
                    for field in self.fields[step.fields] {
                        fields.append((names[field.name], text(field.value), step.seq, step.at))
                    }
                }
                let new = rules.newLead(key: text(lead.key), fields: fields)
                let start = bytes.count
                new.writeState(to: &bytes)
                asNew.append((DerivedStateWriter.Counted(new), start..<bytes.count))
            }
        }
    }

    /// The fields' names, by ``Batch/fields``' index.
    let names: [String]
    /// The rules the leads were folded as new with (``Batch/asNew``).
    let rules: LeadRules
    /// Batches made and not yet taken (an empty one ends the leads), batches to reuse, and
    /// whether the taker has stopped.
    private let state = Mutex<(made: [Result<Batch, any Error>], spare: [Batch], stopped: Bool)>(([], [], false))
    /// Batches that may be made before one is taken: two, signalled at start (libdispatch traps
    /// when a semaphore is released below the value it was made with, which a stop before the
    /// last batch would leave).
    private let free = DispatchSemaphore(value: 0)
    private let made = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)
    /// The batch the taker holds: it is reused once the next is taken.
    private var taken: Batch?

    /// Starts choosing the winners of `leads`' changes after seq `cursor` (those up to it are
    /// folded), `batch` leads at a time, and folding each lead as new with `mappings`.
    init(_ leads: LeadSortedChanges.Leads, after cursor: Int64, batch: Int, mappings: [String: Mapping]) {
        names = leads.names
        rules = LeadRules(mappings: mappings)
        free.signal()
        free.signal()
        let thread = Thread { [self] in
            produce(leads, after: cursor, batch: batch)
            exited.signal()
        }
        thread.start()
    }

    /// The next batch of leads, nil after the last; the batch before is reused.
    func next() throws -> Batch? {
        made.wait()
        let done = taken
        taken = nil
        let result = state.withLock { state in
            if let done { state.spare.append(done) }
            return state.made.removeFirst()
        }
        free.signal()
        let batch = try result.get()
        if batch.leads.isEmpty { return nil }
        taken = batch
        return batch
    }

    /// Stops the thread (after the batch it is making) and waits for it to end: the runs it
    /// reads can then be closed. Call once, whether or not every batch was taken.
    func stop() {
        state.withLock { $0.stopped = true }
        free.signal()
        exited.wait()
    }

    private func produce(_ leads: LeadSortedChanges.Leads, after cursor: Int64, batch size: Int) {
        var leads = leads
        var winners: [Winner] = []
        while true {
            free.wait()
            guard let batch = state.withLock({ $0.stopped ? nil : $0.spare.popLast() ?? Batch() }) else { return }
            batch.removeAll()
            let result = Result { () throws -> Batch in
                while batch.leads.count < size, try leads.next() { Self.add(leads, after: cursor, to: batch, &winners) }
                batch.foldAsNew(names: names, rules: rules)
                return batch
            }
            state.withLock { $0.made.append(result) }
            made.signal()
            if (try? result.get())?.leads.isEmpty ?? true { return }
        }
    }

    /// A field's winning value among a lead's changes: the field's name index, and the change
    /// and field that won it.
    private typealias Winner = (name: Int, change: Int, field: Int)

    /// Adds the current lead to `batch` with the winners of its changes after seq `cursor`,
    /// unless it has none: per field, the latest `at`; on a tie the later seq. The fold keeps
    /// the winner among the stored value and every change in seq order, so applying only these
    /// ends the lead the same, for a fraction of the work when a lead changed many times.
    private static func add(
        _ leads: LeadSortedChanges.Leads, after cursor: Int64, to batch: Batch, _ winners: inout [Winner]
    ) {
        let changes = leads.changes
        guard let last = changes.last, last.seq > cursor else { return }
        let start = changes.firstIndex { $0.seq > cursor }!
        winners.removeAll(keepingCapacity: true)
        for index in start..<changes.endIndex {
            let change = changes[index]
            for field in change.fields {
                let name = leads.fields[field].name
                if let held = winners.firstIndex(where: { $0.name == name }) {
                    if change.at >= changes[winners[held].change].at { winners[held] = (name, index, field) }
                } else {
                    winners.append((name, index, field))
                }
            }
        }
        let keyStart = batch.bytes.count
        batch.bytes.append(contentsOf: leads.key)
        let firstStep = batch.steps.count
        // A lead whose changes hold no field is created all the same.
        if winners.isEmpty { batch.steps.append((last.seq, last.at, batch.fields.count..<batch.fields.count)) }
        winners.sort { $0.change < $1.change }
        var first = 0
        while first < winners.count {
            let index = winners[first].change
            let fieldsStart = batch.fields.count
            while first < winners.count, winners[first].change == index {
                let value = leads.fields[winners[first].field].value
                let valueStart = batch.bytes.count
                leads.values.withUnsafeBufferPointer { batch.bytes.append(contentsOf: $0[value]) }
                batch.fields.append((winners[first].name, valueStart..<batch.bytes.count))
                first += 1
            }
            batch.steps.append((changes[index].seq, changes[index].at, fieldsStart..<batch.fields.count))
        }
        batch.leads.append((keyStart..<keyStart + leads.key.count, firstStep..<batch.steps.count))
    }
}
