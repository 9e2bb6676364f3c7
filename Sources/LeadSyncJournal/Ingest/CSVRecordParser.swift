/// Assembles RFC 4180 records from lines: quoted cells may hold commas, newlines and `""`.
///
/// Feed lines in order; `feed` returns the cells when a record is complete, or nil while a
/// quoted cell continues on the next line.
struct CSVRecordParser {
    private var cells: [String] = []
    private var cell: [UInt8] = []
    private var inQuotes = false
    private var quotedCellClosed = false
    private(set) var byteCount = 0

    /// True while a record spans lines.
    var isContinuing: Bool { inQuotes }

    mutating func feed(_ line: [UInt8]) -> Result<[String], IngestLineError>? {
        byteCount += line.count + 1
        var index = 0
        while index < line.count {
            let byte = line[index]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < line.count, line[index + 1] == UInt8(ascii: "\"") {
                        cell.append(byte)
                        index += 1
                    } else {
                        inQuotes = false
                        quotedCellClosed = true
                    }
                } else {
                    cell.append(byte)
                }
            } else if byte == UInt8(ascii: ",") {
                endCell()
            } else if byte == UInt8(ascii: "\"") {
                guard cell.isEmpty, !quotedCellClosed else {
                    return reset(IngestLineError("a quote inside an unquoted cell (cell \(cells.count + 1))"))
                }
                inQuotes = true
            } else {
                guard !quotedCellClosed else {
                    return reset(IngestLineError("text after a closing quote (cell \(cells.count + 1))"))
                }
                cell.append(byte)
            }
            index += 1
        }
        if inQuotes {
            cell.append(UInt8(ascii: "\n"))
            return nil
        }
        endCell()
        let record = cells
        cells = []
        byteCount = 0
        return .success(record)
    }

    /// Ends a record cut short by the end of input inside quotes.
    mutating func finishUnterminated() -> IngestLineError? {
        guard inQuotes else { return nil }
        let error = IngestLineError("unterminated quoted cell at end of input")
        _ = reset(error)
        return error
    }

    private mutating func endCell() {
        cells.append(String(decoding: cell, as: UTF8.self))
        cell = []
        quotedCellClosed = false
    }

    private mutating func reset(_ error: IngestLineError) -> Result<[String], IngestLineError> {
        cells = []
        cell = []
        inQuotes = false
        quotedCellClosed = false
        byteCount = 0
        return .failure(error)
    }
}
