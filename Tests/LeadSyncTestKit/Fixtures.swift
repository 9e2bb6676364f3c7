public import Foundation

/// The committed fixtures under `fixtures/` at the package root.
public enum Fixtures {
    /// The fixtures folder, found from this file's place in `Tests/LeadSyncTestKit/`.
    public static func root(filePath: String = #filePath) -> URL {
        URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fixtures")
    }

    /// The fixture at `relativePath` (for example `leads/sample.ndjson`).
    public static func url(_ relativePath: String) -> URL { root().appendingPathComponent(relativePath) }
}
