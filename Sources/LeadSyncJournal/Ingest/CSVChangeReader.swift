internal import LeadSyncSupport

/// Turns CSV lines into lead changes: the header (line 1) names `lead`, optional `at`, and one
/// column per field; cells are strings, and an empty cell means "no change to this field".
struct CSVChangeReader {
    private let defaultAt: Int64
    private var parser = CSVRecordParser()
    private var columns: [String]?
    private var recordStart = 0
    /// Why the current record is refused, while the rest of it is skipped: a refused record
    /// is one error however many lines it spans, and reading resumes where it really ends.
    private var refusal: IngestLineError?
    private(set) var headerError: IngestLineError?
    private(set) var blank = 0

    init(defaultAt: Int64) { self.defaultAt = defaultAt }

    /// Feeds one line; returns a change (or the record's error) with the record's first line
    /// number when a record is complete.
    mutating func feed(_ line: LineReader.Line) -> (Result<LeadChange, IngestLineError>, Int)? {
        let startsRecord = refusal == nil && !parser.isContinuing
        switch line {
        case .tooLong(let number, let quotes):
            if startsRecord { recordStart = number }
            guard columns != nil else {
                headerError = IngestLineError("header line exceeds 1 MiB")
                return nil
            }
            if refusal == nil {
                refusal = IngestLineError(startsRecord ? "line exceeds 1 MiB" : "record exceeds 1 MiB")
            }
            return parser.skipLine(quotes: quotes) ? endRefused() : nil
        case .text(let number, let slice):
            let bytes = Array(slice)
            if refusal != nil { return parser.feed(bytes) == nil ? nil : endRefused() }
            if startsRecord {
                recordStart = number
                if bytes.isEmpty, columns != nil {
                    blank += 1
                    return nil
                }
            }
            if bytes.contains(0) { return refuse(IngestLineError("line contains a NUL byte"), line: bytes) }
            guard String(validating: bytes, as: UTF8.self) != nil else {
                return refuse(IngestLineError("line is not valid UTF-8"), line: bytes)
            }
            if parser.byteCount + bytes.count > Ingester.maxLineLength {
                return refuse(IngestLineError("record exceeds 1 MiB"), line: bytes)
            }
            guard let record = parser.feed(bytes) else { return nil }
            switch record {
            case .failure(let error): return columns == nil ? headerFailed(error) : (.failure(error), recordStart)
            case .success(let cells): return handle(cells)
            }
        }
    }

    /// Reports a record left open at the end of input.
    mutating func finish() -> (IngestLineError, Int)? {
        guard let error = parser.finishUnterminated() else { return nil }
        defer { refusal = nil }
        return (refusal ?? error, recordStart)
    }

    /// Refuses the current record from `line` on, skipping what is left of it.
    private mutating func refuse(_ error: IngestLineError, line: [UInt8]) -> (Result<LeadChange, IngestLineError>, Int)?
    {
        guard columns != nil else { return headerFailed(error) }
        refusal = error
        parser.discard()
        return parser.feed(line) == nil ? nil : endRefused()
    }

    private mutating func endRefused() -> (Result<LeadChange, IngestLineError>, Int)? {
        defer { refusal = nil }
        return refusal.map { (.failure($0), recordStart) }
    }

    private mutating func headerFailed(_ error: IngestLineError) -> (Result<LeadChange, IngestLineError>, Int)? {
        headerError = error
        return nil
    }

    private mutating func handle(_ cells: [String]) -> (Result<LeadChange, IngestLineError>, Int)? {
        guard let columns else {
            readHeader(cells)
            return nil
        }
        guard cells.count == columns.count else {
            return (.failure(IngestLineError("expected \(columns.count) cells, found \(cells.count)")), recordStart)
        }
        var lead = ""
        var at = defaultAt
        var fields: [String: FieldValue] = [:]
        for (column, cell) in zip(columns, cells) {
            switch column {
            case "lead": lead = cell
            case "at":
                guard !cell.isEmpty else { continue }
                if let ms = Int64(cell) {
                    at = ms
                } else if let ms = Timestamp.parse(cell) {
                    at = ms
                } else {
                    return (
                        .failure(
                            IngestLineError(
                                "\"at\" is not an RFC 3339 timestamp with an offset: \(FieldsCodec.quoted(cell))")),
                        recordStart
                    )
                }
                if let problem = ChangeRules.atProblem(at) { return (.failure(problem), recordStart) }
            default:
                if !cell.isEmpty { fields[column] = .string(cell) }
            }
        }
        if let problem = ChangeRules.leadProblem(lead) { return (.failure(problem), recordStart) }
        return (.success(LeadChange(lead: lead, fields: fields, atMilliseconds: at)), recordStart)
    }

    private mutating func readHeader(_ cells: [String]) {
        var seen = Set<String>()
        for cell in cells {
            guard !cell.isEmpty else {
                headerError = IngestLineError("header has an empty column name")
                return
            }
            guard seen.insert(cell).inserted else {
                headerError = IngestLineError("header names column \"\(cell)\" twice")
                return
            }
        }
        guard seen.contains("lead") else {
            headerError = IngestLineError("header has no \"lead\" column")
            return
        }
        columns = cells
    }
}
