/// Fills batches: up to `maximumInputs` items, in queue order, never two items sharing a key
/// (lead id, email or contact id) in one batch, and never an item whose key is already busy in a
/// batch in flight. Items it does not take stay queued, in order.
struct BatchPlanner {
    /// HubSpot's batch maximum.
    static let maximumInputs = 100

    /// The positions in `queue` of the next batch: the first item whose keys are free and whose
    /// kind is not in `skipping`, then every following item of the same kind whose keys are free
    /// too. The caller removes them (`removeSubranges`) when it sends the batch.
    static func nextBatch<Item, Kind: Hashable, Key: Hashable, Keys: Sequence<Key>>(
        in queue: [Item], maximum: Int = maximumInputs, busy: Set<Key>, kind: (Item) -> Kind,
        keys: (Item) -> Keys, skipping: Set<Kind> = []
    ) -> RangeSet<Int> {
        // Gathered as ranges and made a set once: the set's own insert is generic code that
        // looks up type metadata at every call.
        var taken: [Range<Int>] = []
        var count = 0
        // Keys of the items taken and of those passed over: a later item sharing a key with a
        // passed-over one must not overtake it.
        var seenKeys = Set<Key>(minimumCapacity: 3 * maximum)
        var batchKind: Kind?
        var index = queue.startIndex
        // A full batch ends the scan: the queue behind it can be thousands of records.
        while index < queue.endIndex, count < maximum {
            let item = queue[index]
            let itemKeys = keys(item)
            let itemKind = kind(item)
            if itemKeys.allSatisfy({ !busy.contains($0) && !seenKeys.contains($0) }),
                batchKind == nil ? !skipping.contains(itemKind) : batchKind == itemKind
            {
                batchKind = itemKind
                if taken.last?.upperBound == index {
                    taken[taken.count - 1] = taken[taken.count - 1].lowerBound..<(index + 1)
                } else {
                    taken.append(index..<(index + 1))
                }
                count += 1
            }
            seenKeys.formUnion(itemKeys)
            index += 1
        }
        return RangeSet(taken)
    }
}
