public import Foundation

/// A self-signed certificate for `127.0.0.1` (one day, RSA 2048), made by `openssl` in a
/// directory: what a TLS server on loopback presents when a test needs one nobody trusts.
public struct SelfSignedCertificate: Sendable {
    public let certificatePath: String
    public let keyPath: String

    /// Writes `cert.pem` and `key.pem` into `directory`.
    public init(in directory: TemporaryDirectory) throws {
        certificatePath = directory.path("cert.pem")
        keyPath = directory.path("key.pem")
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", keyPath, "-out", certificatePath,
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else { throw OpenSSLFailed(status: openssl.terminationStatus) }
    }

    /// `openssl req` exited with `status`.
    public struct OpenSSLFailed: Error {
        public let status: Int32
    }
}
