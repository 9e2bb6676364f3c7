import Foundation
import LeadSyncTestKit
import Testing

/// A server that fails TLS verification is not "HubSpot unreachable": `connect` refuses it.
@Suite(.hangGuard) struct TLSRefusalTests {
    static let httpsServer = """
        import http.server, ssl, sys, threading
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = b'{"portalId": 1, "timeZone": "UTC"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[1], sys.argv[2])
        server.socket = context.wrap_socket(server.socket, server_side=True)
        print("PORT", server.server_address[1], flush=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        sys.stdin.read()
        """

    @Test func connectToASelfSignedServerIsRefusedAndStoresNothing() throws {
        let cli = try LeadsyncCLI()
        let pair = try SelfSignedCertificate(in: cli.directory)
        let server = try ScriptedHTTPServer(script: Self.httpsServer, arguments: [pair.certificatePath, pair.keyPath])
        defer { server.stop() }

        let result = try cli.run(
            ["connect", "--token", "-", "--hubspot-url", "https://127.0.0.1:\(server.port)"],
            stdin: Data("pat-x\n".utf8))
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("failed TLS verification"), "\(result.stderr)")
        #expect(!result.stderr.contains("connected to HubSpot"))
        #expect(!FileManager.default.fileExists(atPath: cli.db + ".credentials"))
    }
}
