internal import CLeadSyncCurl
import Foundation

/// One transfer's libcurl easy handle and everything libcurl points into while it runs: the
/// header list, the error buffer, and the response being collected. Lives on the loop thread.
final class CurlEasyHandle {
    let easy: UnsafeMutableRawPointer
    let transfer: CurlTransfer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
    private var responseHeaders = HTTPHeaders()
    private var responseBody = Data()

    init(easy: UnsafeMutableRawPointer, transfer: CurlTransfer) {
        self.easy = easy
        self.transfer = transfer
        errorBuffer.initialize(to: 0)
    }

    deinit {
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    /// Sets every option of this transfer; returns an error when the request cannot be sent.
    func configure(_ configuration: CurlTransport.Configuration) -> TransportError? {
        let request = transfer.request
        guard request.url.hasPrefix("http://") || request.url.hasPrefix("https://") else {
            return TransportError(
                kind: .invalidRequest, host: transfer.host, detail: "only http and https URLs are sent")
        }
        var failed: CURLcode = CURLE_OK
        func set(_ option: CURLoption, _ value: Int) {
            let code = leadsync_curl_easy_setopt_long(easy, option, value)
            if code != CURLE_OK { failed = code }
        }
        func set(_ option: CURLoption, _ value: String) {
            let code = leadsync_curl_easy_setopt_string(easy, option, value)
            if code != CURLE_OK { failed = code }
        }
        set(CURLOPT_URL, request.url)
        set(CURLOPT_PROTOCOLS_STR, "http,https")
        set(CURLOPT_NOSIGNAL, 1)
        set(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS)
        // Verification is libcurl's default; set it anyway so no inherited state can weaken it.
        set(CURLOPT_SSL_VERIFYPEER, 1)
        set(CURLOPT_SSL_VERIFYHOST, 2)
        set(CURLOPT_ACCEPT_ENCODING, "")
        set(CURLOPT_TCP_KEEPALIVE, 1)
        set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.connectTimeout))
        set(CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout ?? configuration.totalTimeout))
        set(CURLOPT_LOW_SPEED_LIMIT, configuration.lowSpeedBytesPerSecond)
        set(CURLOPT_LOW_SPEED_TIME, max(1, Self.milliseconds(configuration.lowSpeedTime) / 1000))
        set(CURLOPT_USERAGENT, configuration.userAgent)
        if request.freshConnection { set(CURLOPT_FRESH_CONNECT, 1) }
        _ = leadsync_curl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer)

        switch request.method {
        case .get: set(CURLOPT_HTTPGET, 1)
        case .post: set(CURLOPT_POST, 1)
        default: set(CURLOPT_CUSTOMREQUEST, request.method.rawValue)
        }
        if let body = request.body, !body.isEmpty {
            _ = leadsync_curl_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            let code = body.withUnsafeBytes { bytes in
                // COPYPOSTFIELDS copies the bytes now, so the body need not outlive this call.
                leadsync_curl_easy_setopt_pointer(
                    easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
            }
            if code != CURLE_OK { failed = code }
        } else if request.method == .post {
            _ = leadsync_curl_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, 0)
            set(CURLOPT_COPYPOSTFIELDS, "")
        }

        var list: UnsafeMutablePointer<curl_slist>?
        for (name, value) in request.headers { list = curl_slist_append(list, "\(name): \(value)") }
        // Without this libcurl waits for `100 Continue` before sending large bodies: a round trip lost.
        list = curl_slist_append(list, "Expect:")
        headerList = list
        _ = leadsync_curl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list)

        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = leadsync_curl_easy_setopt_data_callback(easy, CURLOPT_WRITEFUNCTION) { buffer, size, count, context in
            let length = size * count
            guard let buffer, let context else { return length }
            let handle = Unmanaged<CurlEasyHandle>.fromOpaque(context).takeUnretainedValue()
            handle.responseBody.append(UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: length)
            return length
        }
        _ = leadsync_curl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context)
        _ = leadsync_curl_easy_setopt_data_callback(easy, CURLOPT_HEADERFUNCTION) { buffer, size, count, context in
            let length = size * count
            guard let buffer, let context else { return length }
            let handle = Unmanaged<CurlEasyHandle>.fromOpaque(context).takeUnretainedValue()
            handle.receivedHeaderLine(UnsafeRawBufferPointer(start: buffer, count: length))
            return length
        }
        _ = leadsync_curl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context)

        guard failed == CURLE_OK else {
            return TransportError(
                kind: .invalidRequest, host: transfer.host, detail: String(cString: curl_easy_strerror(failed)),
                curlCode: Int(failed.rawValue))
        }
        return nil
    }

    /// Keeps one header line of the response. Read as bytes: the Foundation trimming this took
    /// was most of what libcurl's callbacks cost in an unthrottled sync (perf).
    private func receivedHeaderLine(_ line: UnsafeRawBufferPointer) {
        let bytes = line.assumingMemoryBound(to: UInt8.self)
        if bytes.starts(with: "HTTP/".utf8) {
            // A new status line (after `100 Continue`): only the final response's headers count.
            responseHeaders = HTTPHeaders()
            return
        }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return }
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        var end = bytes.endIndex
        while end > colon + 1, isBlank(bytes[end - 1]) { end -= 1 }
        var start = colon + 1
        while start < end, isBlank(bytes[start]) { start += 1 }
        responseHeaders.add(
            name: String(decoding: UnsafeBufferPointer(rebasing: bytes[..<colon]), as: UTF8.self),
            value: String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
    }

    /// The response, or the transport error, once libcurl reported the transfer done.
    func outcome(_ code: CURLcode) -> Result<HTTPResponse, TransportError> {
        guard code == CURLE_OK else {
            let message = String(cString: errorBuffer)
            return .failure(
                TransportError(
                    curlCode: code, host: transfer.host,
                    message: message.isEmpty ? String(cString: curl_easy_strerror(code)) : message))
        }
        var status = 0
        _ = leadsync_curl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, headers: responseHeaders, body: responseBody, metrics: metrics()))
    }

    private func metrics() -> HTTPMetrics {
        func offT(_ info: CURLINFO) -> Int64 {
            var value: curl_off_t = 0
            _ = leadsync_curl_easy_getinfo_off_t(easy, info, &value)
            return Int64(value)
        }
        func long(_ info: CURLINFO) -> Int {
            var value = 0
            _ = leadsync_curl_easy_getinfo_long(easy, info, &value)
            return value
        }
        var metrics = HTTPMetrics()
        metrics.requestBodyBytes = Int(offT(CURLINFO_SIZE_UPLOAD_T))
        metrics.responseBodyBytes = Int(offT(CURLINFO_SIZE_DOWNLOAD_T))
        metrics.responseHeaderBytes = long(CURLINFO_HEADER_SIZE)
        metrics.nameLookup = .microseconds(offT(CURLINFO_NAMELOOKUP_TIME_T))
        metrics.connect = .microseconds(offT(CURLINFO_CONNECT_TIME_T))
        metrics.tlsHandshake = .microseconds(offT(CURLINFO_APPCONNECT_TIME_T))
        metrics.firstByte = .microseconds(offT(CURLINFO_STARTTRANSFER_TIME_T))
        metrics.total = .microseconds(offT(CURLINFO_TOTAL_TIME_T))
        metrics.reusedConnection = long(CURLINFO_NUM_CONNECTS) == 0
        metrics.httpVersion = long(CURLINFO_HTTP_VERSION) == CURL_HTTP_VERSION_2_0 ? "2" : "1.1"
        return metrics
    }

    /// Drops what libcurl pointed at before the easy handle is reset for the next transfer.
    func release() {
        curl_slist_free_all(headerList)
        headerList = nil
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
