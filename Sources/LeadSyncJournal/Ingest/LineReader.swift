#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// Splits the bytes of a file descriptor into numbered lines without holding more than one
/// line (capped at `maxLength`) in memory: a longer line is reported as `tooLong` and skipped.
struct LineReader {
    enum Line {
        case text(number: Int, bytes: [UInt8])
        case tooLong(number: Int)
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
        var line: [UInt8] = []
        var overflow = false
        var sawAnything = false
        while true {
            if start == end {
                if eof { break }
                try fill()
                if start == end { break }
            }
            sawAnything = true
            let chunk = buffer[start..<end]
            if let newline = chunk.firstIndex(of: UInt8(ascii: "\n")) {
                if !overflow { line.append(contentsOf: buffer[start..<newline]) }
                start = newline + 1
                lineNumber += 1
                return finish(line, overflow: overflow || line.count > maxLength + 1)
            }
            if !overflow {
                line.append(contentsOf: chunk)
                if line.count > maxLength + 1 {
                    overflow = true
                    line = []
                }
            }
            start = end
        }
        guard sawAnything else { return nil }
        lineNumber += 1
        return finish(line, overflow: overflow)
    }

    private func finish(_ line: [UInt8], overflow: Bool) -> Line {
        var line = line
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        if overflow || line.count > maxLength { return .tooLong(number: lineNumber) }
        return .text(number: lineNumber, bytes: line)
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
