/// Something that sends HTTP requests: the libcurl transport in the product, the same transport
/// against a loopback server in tests.
package protocol HTTPTransport: Sendable {
    /// Sends one request and returns the complete response, whatever its status.
    ///
    /// Throws ``TransportError`` when no response was received, including `.cancelled` when the
    /// calling task is cancelled.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}
