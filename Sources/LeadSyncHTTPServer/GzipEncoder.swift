internal import CLeadSyncZlib

/// Compresses response bodies for clients that send `Accept-Encoding: gzip`.
///
/// One encoder serves a connection's answers one after another: zlib's deflate state (about
/// 256 KB of window and hash tables) is allocated once and reset between bodies, not allocated,
/// faulted in and freed for each answer, which cost as much as compressing a batch answer.
final class GzipEncoder {
    /// zlib keeps a pointer back to its stream, so the stream lives at one address for good.
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private let ready: Bool

    /// An encoder at deflate `level` (1, the fastest, by default: answers are small and local).
    init(level: Int32 = 1) {
        stream.initialize(to: z_stream())
        ready = leadsync_deflate_init_gzip(stream, level) == Z_OK
    }

    deinit {
        if ready { deflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// The gzip member holding `bytes`, or nil if zlib fails (the caller then sends identity).
    func compress(_ bytes: [UInt8]) -> [UInt8]? {
        guard ready, deflateReset(stream) == Z_OK else { return nil }
        // deflateBound does not count the gzip wrapper; 18 bytes of header and trailer, plus slack.
        let capacity = Int(deflateBound(stream, uLong(bytes.count))) + 64
        var status = Z_STREAM_ERROR
        let output = bytes.withUnsafeBufferPointer { input in
            [UInt8](unsafeUninitializedCapacity: capacity) { out, count in
                // zlib only reads `next_in`; its type is not const for historical reasons.
                stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.pointee.avail_in = uInt(input.count)
                stream.pointee.next_out = out.baseAddress
                stream.pointee.avail_out = uInt(capacity)
                status = deflate(stream, Z_FINISH)
                count = status == Z_STREAM_END ? Int(stream.pointee.total_out) : 0
            }
        }
        return status == Z_STREAM_END ? output : nil
    }
}
