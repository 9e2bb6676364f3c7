/// Fills batches: up to `maximumInputs` items, in queue order, never two items sharing a key
/// (lead id, email or contact id) in one batch, and never an item whose key is already busy in a
/// batch in flight. Items it cannot take stay queued, in order.
struct BatchPlanner {
    /// HubSpot's batch maximum.
    static let maximumInputs = 100

    /// Removes and returns the next batch from `queue`: the first item whose keys are free and
    /// whose kind is not in `skipping`, then every following item of the same kind whose keys
    /// are free too.
    static func takeBatch<Item, Kind: Hashable>(
        from queue: inout [Item], maximum: Int = maximumInputs, busy: Set<String>,
        kind: (Item) -> Kind, keys: (Item) -> [String], skipping: Set<Kind> = []
    ) -> [Item] {
        var taken: [Item] = []
        var takenKeys = Set<String>()
        var batchKind: Kind?
        var kept: [Item] = []
        kept.reserveCapacity(queue.count)
        for item in queue {
            let itemKeys = keys(item)
            let free = itemKeys.allSatisfy { !busy.contains($0) && !takenKeys.contains($0) }
            if taken.count < maximum, free, batchKind == nil ? !skipping.contains(kind(item)) : batchKind == kind(item)
            {
                batchKind = kind(item)
                taken.append(item)
                takenKeys.formUnion(itemKeys)
            } else {
                // A later item sharing a key with a skipped one must not overtake it.
                takenKeys.formUnion(itemKeys)
                kept.append(item)
            }
        }
        queue = kept
        return taken
    }
}
