import Foundation
import HubSpotSimulator
import LeadSyncJournal
import LeadSyncTestKit
import LeadSyncWorkload
import Testing

/// Reliability suite, item 7: secrets stay secret and TLS is verified.
///
/// Canary tokens (a private-app token, an OAuth client secret, and the access and refresh tokens
/// HubSpot issues) appear 0 times in anything leadsync prints at every log level, in the journal's
/// files and in its process arguments; the credentials file is 0600 even under umask 000; and
/// self-signed, expired and wrong-host certificates are refused while a valid one is accepted.
@Suite(.hangGuard) struct SecretsTests {
    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error"]

    @Test func aCanaryTokenAppearsNowhere() throws {
        let canary = "pat-na1-canary-\(UUID().uuidString.lowercased())"
        let cli = try LeadsyncCLI()
        let simulator = try HubSpotSimulator.started(token: canary) {
            $0.rateLimit = nil
            $0.dailyLimit = nil
            $0.seed = 31
        }.simulator
        defer { simulator.stop() }
        let url = ["LEADSYNC_HUBSPOT_URL": simulator.baseURL]
        var printed: [String] = []
        func run(_ arguments: [String], stdin: String = "") throws -> ProcessResult {
            let result = try cli.run(arguments, environment: url, stdin: Data(stdin.utf8))
            printed.append(result.stdoutText + result.stderr)
            return result
        }

        #expect(try run(["connect", "--token", "-", "--log-level", "trace"], stdin: canary + "\n").status == 0)
        // Failures and retries log more than success does.
        simulator.updateConfiguration {
            $0.faults.serverErrorRate = 0.2
            $0.faults.resetRate = 0.05
        }
        let changes = Array(LeadSetGenerator(WorkloadSpec(leads: 60, changes: 121, seed: 3)))
        for (index, level) in Self.logLevels.enumerated() {
            let part = changes[(index * 20)..<(index * 20 + 20)].map(\.ndjsonLine).joined(separator: "\n")
            #expect(try run(["ingest", "--log-level", level], stdin: part + "\n").status == 0)
            let sync = try run(["sync", "--once", "--log-level", level])
            #expect(sync.status == 0, "\(sync.stderr)")
            for command in [
                ["status"], ["status", "--json"], ["lead", "show", changes[index].lead], ["config", "show"],
            ] {
                _ = try run(command + ["--log-level", level])
            }
        }
        _ = try run(["verify", "--sample", "5", "--log-level", "trace"])
        _ = try run(["map", "check", "--log-level", "trace"])
        // Refused: the error paths (401, reconnection required) print no token either.
        simulator.revokeToken(canary)
        #expect(try cli.run(["ingest"], stdin: Data((changes[120].ndjsonLine + "\n").utf8)).status == 0)
        #expect(try run(["sync", "--once", "--log-level", "trace"]).status == 3)

        // A running sync's arguments and its journal files hold no token.
        simulator.registerToken(canary)
        let follower = try cli.executable.start(
            ["sync", "--follow", "--log-level", "trace"], environment: url.merging(["LEADSYNC_DB": cli.db]) { $1 })
        let arguments = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(follower.pid)/cmdline"))
        follower.kill()
        follower.wait()

        #expect(occurrences(of: canary, in: printed + [String(decoding: arguments, as: UTF8.self)]) == 0)
        #expect(try occurrences(of: canary, inFilesOf: cli.directory, except: cli.db + ".credentials") == 0)
        // The credentials file is where the token lives, so the check above looked at real bytes.
        #expect(
            occurrences(of: canary, in: [try String(contentsOfFile: cli.db + ".credentials", encoding: .utf8)]) == 1)
    }

    @Test func oauthSecretsAndIssuedTokensAppearNowhere() throws {
        let clientSecret = "canary-secret-\(UUID().uuidString.lowercased())"
        let cli = try LeadsyncCLI()
        let simulator = try HubSpotSimulator.started(token: "pat-unused") {
            $0.rateLimit = nil
            $0.accessTokenLifetimeSeconds = 1
            $0.faults.serverErrorRate = 0.1
            $0.seed = 37
        }.simulator
        defer { simulator.stop() }
        simulator.registerOAuthClient(id: "app-1", secret: clientSecret)
        let url = ["LEADSYNC_HUBSPOT_URL": simulator.baseURL]
        var printed: [String] = []
        let redirect = "http://localhost:8976/callback"
        var connected = false
        for _ in 0..<5 where !connected {
            let code = simulator.issueAuthorizationCode(clientId: "app-1", redirectURI: redirect)
            let result = try cli.run(
                [
                    "connect", "--client-id", "app-1", "--client-secret", "-", "--code", code, "--redirect-uri",
                    redirect, "--log-level", "trace",
                ], environment: url, stdin: Data((clientSecret + "\n").utf8))
            printed.append(result.stdoutText + result.stderr)
            connected = result.status == 0
        }
        #expect(connected)
        let changes = Array(LeadSetGenerator(WorkloadSpec(leads: 300, changes: 300, seed: 5)))
        #expect(
            try cli.run(["ingest"], stdin: Data((changes.map(\.ndjsonLine).joined(separator: "\n") + "\n").utf8)).status
                == 0)
        // HubSpot ends the access token: the sync must refresh, so the refresh path logs too.
        simulator.expireAccessTokens()
        let first = try cli.run(["sync", "--once", "--log-level", "trace"], environment: url)
        printed.append(first.stdoutText + first.stderr)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(simulator.counters().refreshes >= 1)
        for level in Self.logLevels {
            let status = try cli.run(["status", "--json", "--log-level", level], environment: url)
            printed.append(status.stdoutText + status.stderr)
        }

        let stored =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: cli.db + ".credentials"))) as? [String: Any]
        let secrets = [clientSecret] + ["access_token", "refresh_token"].compactMap { stored?[$0] as? String }
        #expect(secrets.count == 3)
        for secret in secrets {
            #expect(occurrences(of: secret, in: printed) == 0)
            #expect(try occurrences(of: secret, inFilesOf: cli.directory, except: cli.db + ".credentials") == 0)
        }
    }

    @Test func credentialsAre0600UnderUmask000() throws {
        let cli = try LeadsyncCLI()
        let simulator = try HubSpotSimulator.started(token: "pat-na1-umask") { $0.rateLimit = nil }.simulator
        defer { simulator.stop() }
        let shell = BuiltExecutable(url: URL(fileURLWithPath: "/bin/sh"))
        let result = try shell.run(
            ["-c", "umask 000 && exec \"$0\" \"$@\"", cli.executable.url.path, "connect", "--token", "-"],
            environment: ["LEADSYNC_DB": cli.db, "LEADSYNC_HUBSPOT_URL": simulator.baseURL, "LEADSYNC_TOKEN": ""],
            stdin: Data("pat-na1-umask\n".utf8))
        #expect(result.status == 0, "\(result.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: cli.db + ".credentials")
        #expect((attributes[.posixPermissions] as? Int).map { String($0, radix: 8) } == "600")
    }

    /// The simulator behind a TLS proxy with a certificate from a test CA that leadsync is made to
    /// trust (the CA bundle is bind-mounted over the system's in a private mount namespace, so
    /// nothing outside the test sees it): a valid certificate connects, the bad ones are refused
    /// with a TLS error, at once, storing nothing.
    @Test(arguments: ["valid", "expired", "wronghost", "selfsigned"])
    func certificatesAreVerified(_ kind: String) throws {
        let token = "pat-na1-tls"
        let (cli, certificates, simulator, proxy) = try behindTLSProxy(kind, token: token)
        defer {
            proxy.stop()
            simulator.stop()
        }

        let started = Date()
        let result = try cli.run(
            ["connect", "--token", "-"], trusting: certificates.authority,
            environment: ["LEADSYNC_HUBSPOT_URL": "https://127.0.0.1:\(proxy.port)", "LEADSYNC_TOKEN": ""],
            stdin: Data((token + "\n").utf8))
        let elapsed = Date().timeIntervalSince(started)
        if kind == "valid" {
            #expect(result.status == 0, "\(result.stderr)")
            #expect(FileManager.default.fileExists(atPath: cli.db + ".credentials"))
        } else {
            #expect(result.status != 0)
            #expect(
                result.stderr.lowercased().contains("certificate") || result.stderr.contains("TLS"), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: cli.db + ".credentials"))
            #expect(elapsed < 10, "refused after \(elapsed) s: retried as if transient")
        }
    }

    /// `sync` behind the same proxy: a valid certificate drains; a bad one ends `--once` and
    /// `--follow` at once with exit 1 naming the TLS failure (never retried as transient), nothing
    /// reaches HubSpot, and the changes stay pending.
    @Test(arguments: ["valid", "expired", "wronghost", "selfsigned"])
    func syncStopsAtOnceOnABadCertificate(_ kind: String) throws {
        let token = "pat-na1-tls-sync"
        let (cli, certificates, simulator, proxy) = try behindTLSProxy(kind, token: token)
        defer {
            proxy.stop()
            simulator.stop()
        }
        let changes = Array(LeadSetGenerator(WorkloadSpec(leads: 20, changes: 20, seed: 5)))
        let ingest = try cli.run(
            ["ingest"], stdin: Data((changes.map(\.ndjsonLine).joined(separator: "\n") + "\n").utf8))
        try #require(ingest.status == 0, "\(ingest.stderr)")
        let environment = ["LEADSYNC_HUBSPOT_URL": "https://127.0.0.1:\(proxy.port)", "LEADSYNC_TOKEN": token]

        for mode in kind == "valid" ? ["--once"] : ["--once", "--follow"] {
            let started = Date()
            // --max-seconds bounds a sync that retries the failure as transient (--follow never gives up).
            let result = try cli.run(
                ["sync", mode, "--max-seconds", "20"], trusting: certificates.authority, environment: environment)
            let elapsed = Date().timeIntervalSince(started)
            if kind == "valid" {
                #expect(result.status == 0, "\(result.stderr)")
                #expect(
                    simulator.contacts().count
                        == ExpectedContacts(changes, mappings: Mapping.defaultProperties).contacts.count)
                continue
            }
            #expect(result.status == 1, "\(mode): \(result.stderr)")
            #expect(result.stderr.contains("failed TLS verification"), "\(mode): \(result.stderr)")
            #expect(elapsed < 10, "\(mode) stopped after \(elapsed) s: retried as if transient")
            #expect(simulator.counters().totalRequests == 0)
            let (_, status) = try cli.json("status")
            #expect((status as? [String: Any])?["pending_leads"] as? Int == changes.count)
            #expect(((status as? [String: Any])?["last_error"] as? String)?.contains("TLS") == true)
        }
    }

    /// A fresh journal, the test certificates, and the simulator behind a TLS proxy serving the
    /// `kind` certificate.
    private func behindTLSProxy(_ kind: String, token: String) throws -> (
        LeadsyncCLI, TestCertificates, HubSpotSimulator, ScriptedHTTPServer
    ) {
        let cli = try LeadsyncCLI()
        let certificates = try TestCertificates(in: cli.directory)
        let (simulator, port) = try HubSpotSimulator.started(token: token) { $0.rateLimit = nil }
        do {
            let proxy = try ScriptedHTTPServer(
                script: Self.tlsProxy,
                arguments: [cli.directory.path("\(kind).pem"), cli.directory.path("\(kind).key"), String(port)])
            return (cli, certificates, simulator, proxy)
        } catch {
            simulator.stop()
            throw error
        }
    }

    private func occurrences(of secret: String, in texts: [String]) -> Int {
        texts.reduce(0) { $0 + $1.components(separatedBy: secret).count - 1 }
    }

    /// Occurrences in every file of the directory (journal, WAL, shared memory, lock) but one.
    private func occurrences(of secret: String, inFilesOf directory: TemporaryDirectory, except: String) throws -> Int {
        let needle = Data(secret.utf8)
        var count = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.url.path) {
            let path = directory.path(name)
            guard path != except, let data = FileManager.default.contents(atPath: path) else { continue }
            var from = data.startIndex
            while let found = data.range(of: needle, in: from..<data.endIndex) {
                count += 1
                from = found.upperBound
            }
        }
        return count
    }

    /// A TLS-terminating proxy to the simulator: `tlsProxy CERT KEY UPSTREAM_PORT`.
    static let tlsProxy = #"""
        import os, socket, ssl, sys, threading
        cert, key, upstream = sys.argv[1], sys.argv[2], int(sys.argv[3])
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        def pipe(source, target):
            try:
                while True:
                    data = source.recv(65536)
                    if not data: break
                    target.sendall(data)
            except OSError: pass
            for end in (source, target):
                try: end.shutdown(socket.SHUT_RDWR)
                except OSError: pass
        def serve(raw):
            try: client = context.wrap_socket(raw, server_side=True)
            except (ssl.SSLError, OSError):
                raw.close()
                return
            server = socket.create_connection(("127.0.0.1", upstream))
            threading.Thread(target=pipe, args=(client, server), daemon=True).start()
            pipe(server, client)
        def accept():
            while True:
                raw, _ = listener.accept()
                threading.Thread(target=serve, args=(raw,), daemon=True).start()
        threading.Thread(target=accept, daemon=True).start()
        threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
        print("PORT %d" % listener.getsockname()[1], flush=True)
        threading.Event().wait()
        """#
}

extension LeadsyncCLI {
    /// Runs leadsync in a private mount namespace where `authority` is bind-mounted over the
    /// system's CA bundle, so only this process trusts it.
    func run(
        _ arguments: [String], trusting authority: String, environment: [String: String], stdin: Data = Data()
    ) throws -> ProcessResult {
        let unshare = BuiltExecutable(url: URL(fileURLWithPath: "/usr/bin/unshare"))
        return try unshare.run(
            [
                "-m", "/bin/sh", "-c", "mount --bind \"$0\" /etc/ssl/certs/ca-certificates.crt && exec \"$@\"",
                authority, executable.url.path,
            ] + arguments,
            environment: environment.merging(["LEADSYNC_DB": db]) { $1 }, stdin: stdin)
    }
}

/// A test certificate authority and four server certificates made with `openssl` (P-256 keys,
/// fast to generate): `valid` (127.0.0.1, signed by the CA), `expired` (signed, but valid only
/// on 2020-01-01), `wronghost` (signed, for example.com) and `selfsigned` (for 127.0.0.1, not
/// signed by the CA). Each is `<kind>.pem` with its key `<kind>.key` in the directory.
struct TestCertificates {
    /// The CA certificate, to trust.
    let authority: String

    init(in directory: TemporaryDirectory) throws {
        authority = directory.path("ca.pem")
        let script = #"""
            set -e
            cd "$1"
            key="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
            openssl req -x509 $key -days 2 -subj "/CN=leadsync test CA" -keyout ca.key -out ca.pem
            : > index.txt
            echo 01 > serial
            printf '[ca]\ndefault_ca=t\n[t]\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\ndefault_md=sha256\npolicy=p\ncopy_extensions=copy\nunique_subject=no\n[p]\ncommonName=supplied\n' > ca.cnf
            leaf() {
              openssl req $key -subj "/CN=$2" -addext "subjectAltName=$3" -keyout "$1.key" -out "$1.csr"
              openssl ca -batch -notext -config ca.cnf -cert ca.pem -keyfile ca.key -in "$1.csr" -out "$1.pem" -startdate "$4" -enddate "$5"
            }
            from=$(date -u -d '-1 hour' +%Y%m%d%H%M%SZ)
            until=$(date -u -d '+1 day' +%Y%m%d%H%M%SZ)
            leaf valid 127.0.0.1 IP:127.0.0.1 "$from" "$until"
            leaf expired 127.0.0.1 IP:127.0.0.1 20200101000000Z 20200102000000Z
            leaf wronghost example.com DNS:example.com "$from" "$until"
            openssl req -x509 $key -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout selfsigned.key -out selfsigned.pem
            """#
        let shell = BuiltExecutable(url: URL(fileURLWithPath: "/bin/sh"))
        let result = try shell.run(["-c", script, "sh", directory.url.path])
        try #require(result.status == 0, "openssl: \(result.stderr)")
    }
}
