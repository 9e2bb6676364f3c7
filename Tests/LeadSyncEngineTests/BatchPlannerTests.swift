import Testing

@testable import LeadSyncEngine

@Suite struct BatchPlannerTests {
    struct Item: Equatable {
        var name: String
        var kind: Int
        var keys: [String]
    }

    func take(_ queue: inout [Item], busy: Set<String> = [], maximum: Int = 100) -> [String] {
        let batch = BatchPlanner.nextBatch(in: queue, maximum: maximum, busy: busy, kind: \.kind, keys: \.keys)
        defer { queue.removeSubranges(batch) }
        return queue[batch].map(\.name)
    }

    @Test func fillsUpToTheMaximumInOrder() {
        var queue = (0..<250).map { Item(name: "\($0)", kind: 0, keys: ["lead:\($0)"]) }
        #expect(take(&queue).count == 100)
        #expect(take(&queue).first == "100")
        #expect(take(&queue).count == 50)
        #expect(queue.isEmpty)
    }

    @Test func neverOneKeyTwiceInABatch() {
        var queue = [
            Item(name: "a", kind: 0, keys: ["lead:1", "email:x@y.io"]),
            Item(name: "b", kind: 0, keys: ["lead:2", "email:x@y.io"]),
            Item(name: "c", kind: 0, keys: ["lead:3", "email:z@y.io"]),
        ]
        #expect(take(&queue) == ["a", "c"])
        #expect(take(&queue) == ["b"])
    }

    @Test func busyKeysWaitAndLaterItemsSharingThemDoNotOvertake() {
        var queue = [
            Item(name: "a", kind: 0, keys: ["lead:1", "id:5"]),
            Item(name: "b", kind: 0, keys: ["lead:2", "id:5"]),
            Item(name: "c", kind: 0, keys: ["lead:3"]),
        ]
        #expect(take(&queue, busy: ["id:5"]) == ["c"])
        #expect(queue.map(\.name) == ["a", "b"])
        #expect(take(&queue) == ["a"])
    }

    @Test func oneKindPerBatch() {
        var queue = [
            Item(name: "u1", kind: 0, keys: ["lead:1"]), Item(name: "r1", kind: 1, keys: ["lead:2"]),
            Item(name: "u2", kind: 0, keys: ["lead:3"]),
        ]
        #expect(take(&queue) == ["u1", "u2"])
        #expect(take(&queue) == ["r1"])
    }
}
