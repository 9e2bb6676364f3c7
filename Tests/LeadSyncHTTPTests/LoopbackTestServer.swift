import LeadSyncTestKit

/// The Python server the transport tests talk to: HTTP/1.1 keep-alive, optional TLS with a given
/// certificate, and routes that echo, compress, stall or reset.
enum LoopbackTestServer {
    static func start(tlsCertificate: String? = nil, tlsKey: String? = nil) throws -> ScriptedHTTPServer {
        var arguments: [String] = []
        if let tlsCertificate, let tlsKey { arguments = [tlsCertificate, tlsKey] }
        return try ScriptedHTTPServer(script: script, arguments: arguments)
    }

    static let script = #"""
        import gzip, json, os, socket, ssl, sys, threading, time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *args): pass
            def reply(self, status, body, headers=()):
                self.send_response(status)
                for name, value in headers: self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = self.path
                if path.startswith("/echo"):
                    info = {"method": self.command, "path": path, "body": body.decode("utf-8", "replace"),
                            "headers": {k.lower(): v for k, v in self.headers.items()},
                            "client_port": self.client_address[1]}
                    self.reply(200, json.dumps(info).encode(), [("Content-Type", "application/json"), ("X-Test", "yes")])
                elif path.startswith("/gzip"):
                    plain = b"leadsync " * 1000
                    self.reply(200, gzip.compress(plain), [("Content-Encoding", "gzip")])
                elif path.startswith("/slow"):
                    time.sleep(3)
                    self.reply(200, b"late")
                elif path.startswith("/hang"):
                    time.sleep(30)
                    self.reply(200, b"very late")
                elif path.startswith("/reset"):
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    self.connection.close()
                    self.close_connection = True
                elif path.startswith("/status/"):
                    self.reply(int(path.split("/")[2]), b"{}")
                else:
                    self.reply(404, b"no such route")
            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = handle_any

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        if len(sys.argv) > 2:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(sys.argv[1], sys.argv[2])
            server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
        print("PORT %d" % server.server_address[1], flush=True)
        server.serve_forever()
        """#
}
