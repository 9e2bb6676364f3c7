package import HubSpotAPI

/// Plans the searches of an incremental pull and keeps its cursor: which contacts modified since
/// the last pull to read next, which of those read are new to this run, and up to where everything
/// has been read.
///
/// Search can sort by one property only and never pages past 10,000 results, and its index lags
/// writes by seconds (hubspot-api.md §4.2). So every query reads only the first page of a keyset
/// window, sorted by `lastmodifieddate` ascending:
///
/// - **range** `from ≤ lastmodifieddate ≤ upperBound`: a full page ending at time T proves every
///   contact modified before T was read; the next window starts at T again (`GTE`), and contacts at
///   T already read are dropped by id.
/// - **tie** `lastmodifieddate = T`, sorted by `hs_object_id` ascending, `hs_object_id > last id`:
///   used only when a whole page shares one timestamp, so no number of equal timestamps can stall
///   the pull; afterwards the range resumes strictly after T.
///
/// No query pages by offset, so none comes near the 10,000 cap however many contacts changed, and a
/// contact edited during the pull cannot shift unread results into pages already read. The first
/// window starts `overlap` before the cursor, for contacts search indexed after the last pull read
/// past their timestamp; those already processed are recognised by the caller (by their
/// `lastmodifieddate`) and not counted again. Why: docs/decisions/0005-pull-incremental-keyset-windows.md.
package struct IncrementalPullPlanner: Sendable {
    package struct Configuration: Sendable, Hashable {
        /// Results per search. Default 200: search's maximum page size.
        package var pageSize = 200
        /// How far before the cursor a pull starts reading again. Default 5 minutes: search's
        /// index lag is "a few moments" (hubspot-api.md §4.2); this also absorbs clock skew between
        /// this host (whose clock bounds each pull) and HubSpot.
        package var overlapMilliseconds: Int64 = 300_000
        /// Filters per query. Default 6: HubSpot's limit per filter group. The window takes two;
        /// rule filters beyond the rest are evaluated locally only.
        package var maxFiltersPerQuery = 6

        package init() {}
    }

    private enum Position: Sendable, Hashable {
        case range(from: Int64, inclusive: Bool)
        case tie(at: Int64, afterId: UInt64?)
        case finished
    }

    private let configuration: Configuration
    private let upperBound: Int64
    private let properties: [String]
    private let ruleFilters: [ContactSearch.Filter]
    private var position: Position
    /// Ids already read whose `lastmodifieddate` is the current window's lower bound.
    private var readAtBound: Set<String> = []

    /// Every contact modified before this instant (epoch ms) has been read, as far as search's index
    /// showed it: the value to store as the pull cursor once what was read is processed. It never
    /// moves backwards.
    package private(set) var cursor: Int64

    /// - Parameters:
    ///   - cursor: the stored cursor of the previous pull.
    ///   - upperBound: the latest `lastmodifieddate` this pull reads (the time it started), so a
    ///     pull ends even while contacts keep changing; later changes are the next pull's.
    ///   - properties: the properties every search asks for.
    ///   - ruleFilters: search filters that narrow the pull (from `PullFilter.searchFilter`).
    package init(
        cursor: Int64, upperBound: Int64, properties: [String] = [], ruleFilters: [ContactSearch.Filter] = [],
        configuration: Configuration = Configuration()
    ) {
        self.configuration = configuration
        self.properties = properties
        self.cursor = cursor
        self.upperBound = upperBound
        self.ruleFilters = Array(ruleFilters.prefix(max(0, configuration.maxFiltersPerQuery - 2)))
        self.position = .range(from: cursor - configuration.overlapMilliseconds, inclusive: true)
    }

    /// True once every contact modified up to `upperBound` has been read.
    package var isFinished: Bool { position == .finished }

    /// The next search to send, or nil when the pull has read everything: one filter group, one
    /// ascending sort, the first page only.
    package var nextQuery: ContactSearch? {
        let modified = PulledContact.lastModifiedProperty
        var filters: [ContactSearch.Filter]
        let sort: String
        switch position {
        case .range(let from, let inclusive):
            filters = [
                ContactSearch.Filter(propertyName: modified, operator: inclusive ? "GTE" : "GT", value: String(from)),
                ContactSearch.Filter(propertyName: modified, operator: "LTE", value: String(upperBound)),
            ]
            sort = modified
        case .tie(let at, let afterId):
            filters = [ContactSearch.Filter(propertyName: modified, operator: "EQ", value: String(at))]
            if let afterId {
                filters.append(
                    ContactSearch.Filter(propertyName: PulledContact.idProperty, operator: "GT", value: String(afterId))
                )
            }
            sort = PulledContact.idProperty
        case .finished:
            return nil
        }
        return ContactSearch(
            filterGroups: [filters + ruleFilters], sorts: [ContactSearch.Sort(propertyName: sort)],
            properties: properties, limit: configuration.pageSize)
    }

    /// Takes the results of `nextQuery`, in the order search returned them, and returns those this
    /// run has not read yet, in the same order.
    ///
    /// - Throws: `PullError.unorderedSearchPage` when the page breaks the query's window or order,
    ///   since reading on would risk a gap.
    package mutating func accept(_ page: [PulledContact]) throws(PullError) -> [PulledContact] {
        let full = page.count >= configuration.pageSize
        switch position {
        case .finished:
            return []
        case .range(let from, let inclusive):
            var previous = from
            for contact in page {
                guard contact.lastModified >= previous, contact.lastModified <= upperBound,
                    inclusive || contact.lastModified > from
                else { throw unordered("lastmodifieddate \(contact.lastModified) of contact \(contact.id)") }
                previous = contact.lastModified
            }
            let fresh = page.filter { !($0.lastModified == from && readAtBound.contains($0.id)) }
            if !full {
                position = .finished
                cursor = max(cursor, page.last?.lastModified ?? cursor)
            } else if previous == from {
                readAtBound.formUnion(page.map(\.id))
                position = .tie(at: from, afterId: nil)
            } else {
                readAtBound = Set(page.lazy.filter { $0.lastModified == previous }.map(\.id))
                position = .range(from: previous, inclusive: true)
                cursor = max(cursor, previous)
            }
            return fresh
        case .tie(let at, let afterId):
            var previous = afterId
            for contact in page {
                guard contact.lastModified == at, previous.map({ contact.numericId > $0 }) ?? true else {
                    throw unordered("contact \(contact.id) in the tie-break at \(at)")
                }
                previous = contact.numericId
            }
            let fresh = page.filter { !readAtBound.contains($0.id) }
            if full, let last = previous {
                position = .tie(at: at, afterId: last)
            } else {
                readAtBound = []
                position = .range(from: at, inclusive: false)
                cursor = max(cursor, at + 1)
            }
            return fresh
        }
    }

    private func unordered(_ what: String) -> PullError {
        PullError(.unorderedSearchPage, "search returned \(what) outside the requested window or order")
    }
}
