import Foundation
import LeadSyncTestKit
import Testing

/// An LD_PRELOAD shim from Tests/Fixtures, compiled with the system's C compiler into a library
/// of its own, removed when the value goes away.
final class PreloadShim: Sendable {
    let library: String

    /// `fixture`: the C source's path under Tests/Fixtures, e.g. `io-errors/eio-after.c`.
    init(fixture: String) throws {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(fixture)
        library =
            FileManager.default.temporaryDirectory
            .appendingPathComponent(
                "leadsync-\(source.deletingPathExtension().lastPathComponent)-\(UUID().uuidString).so"
            )
            .path
        let cc = BuiltExecutable(url: URL(fileURLWithPath: "/usr/bin/cc"))
        let result = try cc.run(["-shared", "-fPIC", "-O2", "-o", library, source.path, "-ldl"])
        try #require(result.status == 0, "cc: \(result.stderr)")
    }

    deinit { unlink(library) }
}
