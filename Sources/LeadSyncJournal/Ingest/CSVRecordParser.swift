/// Assembles RFC 4180 records from lines: quoted cells may hold commas, newlines and `""`.
///
/// Feed lines in order; `feed` returns the cells when a record is complete, or nil while a
/// quoted cell continues on the next line.
struct CSVRecordParser {
    private var cells: [String] = []
    private var cell: [UInt8] = []
    /// Whether the current cell has text yet (kept apart from `cell`, which stays empty while discarding).
    private var cellIsEmpty = true
    private var inQuotes = false
    private var quotedCellClosed = false
    /// Set by ``discard()``: the record is refused, so its text is only scanned for where it ends.
    private var discarding = false
    private(set) var byteCount = 0

    /// True while a record spans lines.
    var isContinuing: Bool { inQuotes }

    /// Drops what the current record holds and keeps none of the rest, while still following
    /// its quotes: the record then ends where it really ends, never inside a quoted cell, and
    /// skipping it costs no memory however long it is. The record completes with no cells.
    mutating func discard() {
        cells = []
        cell = []
        discarding = true
    }

    /// Skips a line too long to read (``LineReader``'s `tooLong`) of a discarded record, from
    /// its count of quotes: an odd count opens or closes a quoted cell. Returns true when the
    /// record ends with this line.
    mutating func skipLine(quotes: Int) -> Bool {
        discard()
        if !quotes.isMultiple(of: 2) { inQuotes.toggle() }
        guard !inQuotes else { return false }
        self = CSVRecordParser()
        return true
    }

    mutating func feed(_ line: [UInt8]) -> Result<[String], IngestLineError>? {
        byteCount += line.count + 1
        var index = 0
        while index < line.count {
            let byte = line[index]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < line.count, line[index + 1] == UInt8(ascii: "\"") {
                        append(byte)
                        index += 1
                    } else {
                        inQuotes = false
                        quotedCellClosed = true
                    }
                } else {
                    append(byte)
                }
            } else if byte == UInt8(ascii: ",") {
                endCell()
            } else if byte == UInt8(ascii: "\"") {
                guard cellIsEmpty, !quotedCellClosed else {
                    return reset(IngestLineError("a quote inside an unquoted cell (cell \(cells.count + 1))"))
                }
                inQuotes = true
            } else {
                guard !quotedCellClosed else {
                    return reset(IngestLineError("text after a closing quote (cell \(cells.count + 1))"))
                }
                append(byte)
            }
            index += 1
        }
        if inQuotes {
            append(UInt8(ascii: "\n"))
            return nil
        }
        endCell()
        let record = discarding ? [] : cells
        self = CSVRecordParser()
        return .success(record)
    }

    /// Ends a record cut short by the end of input inside quotes.
    mutating func finishUnterminated() -> IngestLineError? {
        guard inQuotes else { return nil }
        let error = IngestLineError("unterminated quoted cell at end of input")
        _ = reset(error)
        return error
    }

    private mutating func append(_ byte: UInt8) {
        cellIsEmpty = false
        if !discarding { cell.append(byte) }
    }

    private mutating func endCell() {
        if !discarding { cells.append(String(decoding: cell, as: UTF8.self)) }
        cell = []
        cellIsEmpty = true
        quotedCellClosed = false
    }

    private mutating func reset(_ error: IngestLineError) -> Result<[String], IngestLineError> {
        self = CSVRecordParser()
        return .failure(error)
    }
}
