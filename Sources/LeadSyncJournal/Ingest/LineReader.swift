#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// Splits the bytes of a file descriptor into numbered lines without holding more than one
/// line (capped at `maxLength`) in memory: a longer line is reported as `tooLong` and skipped.
struct LineReader {
    enum Line {
        /// A line's bytes: a slice of the reader's buffer, not a copy (a copy of every line was a
        /// tenth of an ingest's parsing), unless the line spans two reads. Let it go before the
        /// next call, or the next read copies the buffer.
        case text(number: Int, bytes: ArraySlice<UInt8>)
        /// A line over `maxLength`, skipped. `quotes` counts its `"` bytes: all a CSV reader
        /// needs to tell whether a quoted cell that spans lines ends in it.
        case tooLong(number: Int, quotes: Int)
    }

    /// Why reading failed (the `errno` of `read`).
    struct ReadError: Error, CustomStringConvertible {
        let errno: Int32
        var description: String { "read failed: \(String(cString: strerror(errno)))" }
    }

    private let fd: Int32
    private let maxLength: Int
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    private var start = 0
    private var end = 0
    private var eof = false
    private var lineNumber = 0

    init(fileDescriptor fd: Int32, maxLength: Int) {
        self.fd = fd
        self.maxLength = maxLength
    }

    /// The next line (without its `\n` or `\r\n`), or nil at the end of input.
    mutating func next() throws(ReadError) -> Line? {
        // The bytes of a line that spans reads.
        var line: [UInt8] = []
        // Once the line is known to be too long its bytes are dropped; only its quotes are counted.
        var overflowQuotes: Int?
        var sawAnything = false
        while true {
            if start == end {
                if eof { break }
                try fill()
                if start == end { break }
            }
            sawAnything = true
            let newline = buffer.withUnsafeBufferPointer { bytes -> Int? in
                // memchr: the generic search was a tenth of the reader.
                guard let found = memchr(bytes.baseAddress! + start, Int32(UInt8(ascii: "\n")), end - start) else {
                    return nil
                }
                return UnsafeRawPointer(found) - UnsafeRawPointer(bytes.baseAddress!)
            }
            let part = buffer[start..<(newline ?? end)]
            if let newline, line.isEmpty, overflowQuotes == nil {
                // The whole line is in the buffer.
                start = newline + 1
                lineNumber += 1
                return finish(part, overflowQuotes: nil)
            }
            if let quotes = overflowQuotes {
                overflowQuotes = quotes + Self.quotes(in: part)
            } else {
                line.append(contentsOf: part)
                if line.count > maxLength + 1 {
                    overflowQuotes = Self.quotes(in: line[...])
                    line = []
                }
            }
            if let newline {
                start = newline + 1
                lineNumber += 1
                return finish(line[...], overflowQuotes: overflowQuotes)
            }
            start = end
        }
        guard sawAnything else { return nil }
        lineNumber += 1
        return finish(line[...], overflowQuotes: overflowQuotes)
    }

    private func finish(_ line: ArraySlice<UInt8>, overflowQuotes: Int?) -> Line {
        var line = line
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        // A UTF-8 byte order mark (as some editors and Excel write) is not part of line 1.
        if lineNumber == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
        if let overflowQuotes { return .tooLong(number: lineNumber, quotes: overflowQuotes) }
        if line.count > maxLength { return .tooLong(number: lineNumber, quotes: Self.quotes(in: line[...])) }
        return .text(number: lineNumber, bytes: line)
    }

    private static func quotes(in bytes: ArraySlice<UInt8>) -> Int {
        bytes.reduce(0) { $0 + ($1 == UInt8(ascii: "\"") ? 1 : 0) }
    }

    private mutating func fill() throws(ReadError) {
        start = 0
        end = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                end = count
                return
            }
            if count == 0 {
                eof = true
                return
            }
            if errno != EINTR { throw ReadError(errno: errno) }
        }
    }
}
