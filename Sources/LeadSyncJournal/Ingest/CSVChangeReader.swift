internal import LeadSyncSupport

/// Turns CSV lines into lead changes: the header (line 1) names `lead`, optional `at`, and one
/// column per field; cells are strings, and an empty cell means "no change to this field".
struct CSVChangeReader {
    private let defaultAt: Int64
    private var parser = CSVRecordParser()
    private var columns: [String]?
    private var recordStart = 0
    private(set) var headerError: IngestLineError?
    private(set) var blank = 0

    init(defaultAt: Int64) { self.defaultAt = defaultAt }

    /// Feeds one line; returns a change (or the record's error) with the record's first line
    /// number when a record is complete.
    mutating func feed(_ line: LineReader.Line) -> (Result<LeadChange, IngestLineError>, Int)? {
        switch line {
        case .tooLong(let number):
            if columns == nil { headerError = IngestLineError("header line exceeds 1 MiB") }
            return (.failure(IngestLineError("line exceeds 1 MiB")), number)
        case .text(let number, let bytes):
            if !parser.isContinuing {
                recordStart = number
                if bytes.isEmpty, columns != nil {
                    blank += 1
                    return nil
                }
            }
            if bytes.contains(0) { return fail(IngestLineError("line contains a NUL byte")) }
            guard String(validating: bytes, as: UTF8.self) != nil else {
                return fail(IngestLineError("line is not valid UTF-8"))
            }
            if parser.byteCount + bytes.count > Ingester.maxLineLength {
                return fail(IngestLineError("record exceeds 1 MiB"))
            }
            guard let record = parser.feed(bytes) else { return nil }
            switch record {
            case .failure(let error): return fail(error)
            case .success(let cells): return handle(cells)
            }
        }
    }

    /// Reports a record left open at the end of input.
    mutating func finish() -> (IngestLineError, Int)? {
        parser.finishUnterminated().map { ($0, recordStart) }
    }

    private mutating func fail(_ error: IngestLineError) -> (Result<LeadChange, IngestLineError>, Int)? {
        parser = CSVRecordParser()
        if columns == nil { headerError = error }
        return columns == nil ? nil : (.failure(error), recordStart)
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
                        .failure(IngestLineError("\"at\" is not an RFC 3339 timestamp with an offset: \(FieldsCodec.quoted(cell))")),
                        recordStart
                    )
                }
            default:
                if !cell.isEmpty { fields[column] = .string(cell) }
            }
        }
        guard !lead.isEmpty else { return (.failure(IngestLineError("\"lead\" must not be empty")), recordStart) }
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
