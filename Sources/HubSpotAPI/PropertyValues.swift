/// The property values a write sends, sorted by name, each name once.
///
/// An input writes a handful of properties: a sorted array of them costs a fraction of a
/// dictionary's hash table to build, hold and write, and a drain holds thousands of inputs in
/// flight (at 10^5 leads their dictionaries were 2 MB of a sync's 18 MB heap peak: heaptrack,
/// docs/benchmarks.md).
///
/// ```swift
/// var values: PropertyValues = ["firstname": "Ada", "company": "Analytical Engines"]
/// values["jobtitle"] = "Engineer"
/// values.map(\.name)  // ["company", "firstname", "jobtitle"]
/// ```
package struct PropertyValues: Sendable, Hashable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    /// One property and the value written to it.
    package struct Element: Sendable, Hashable {
        package var name: String
        package var value: String

        package init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    private var elements: [Element]

    /// The values of `elements`; of a name given more than once, the last value.
    ///
    /// An array, not any sequence: a generic initializer is not specialized for a caller in
    /// another module (a `package` declaration's body is not inlinable there), and walking the
    /// engine's sequence generically cost 3 % of an unthrottled sync's CPU (perf,
    /// docs/benchmarks.md). The array is sorted in place.
    package init(_ elements: [Element]) {
        var elements = elements
        // Insertion sort: stable and in place, quick for the handful of values an input has.
        for index in elements.indices.dropFirst() {
            let element = elements[index]
            var slot = index
            while slot > 0 && elements[slot - 1].name > element.name {
                elements[slot] = elements[slot - 1]
                slot -= 1
            }
            elements[slot] = element
        }
        // Equal names are now adjacent, in the order given: the last one stays.
        var kept = 0
        for index in elements.indices {
            if kept > 0 && elements[kept - 1].name == elements[index].name {
                elements[kept - 1] = elements[index]
            } else {
                elements[kept] = elements[index]
                kept += 1
            }
        }
        elements.removeLast(elements.count - kept)
        self.elements = elements
    }

    package init(dictionaryLiteral pairs: (String, String)...) {
        self.init(pairs.map { Element(name: $0.0, value: $0.1) })
    }

    package var startIndex: Int { elements.startIndex }
    package var endIndex: Int { elements.endIndex }
    package subscript(position: Int) -> Element { elements[position] }

    /// The value of `name`; setting nil removes it.
    package subscript(name: String) -> String? {
        get {
            let index = insertionIndex(of: name)
            return index < elements.count && elements[index].name == name ? elements[index].value : nil
        }
        set {
            let index = insertionIndex(of: name)
            let present = index < elements.count && elements[index].name == name
            switch (newValue, present) {
            case (let value?, true): elements[index].value = value
            case (let value?, false): elements.insert(Element(name: name, value: value), at: index)
            case (nil, true): elements.remove(at: index)
            case (nil, false): break
            }
        }
    }

    /// The first index whose name is not below `name`.
    private func insertionIndex(of name: String) -> Int {
        var low = 0
        var high = elements.count
        while low < high {
            let middle = (low + high) / 2
            if elements[middle].name < name { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
