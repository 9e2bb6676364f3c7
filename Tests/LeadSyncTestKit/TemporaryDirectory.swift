public import Foundation

/// A fresh directory under the system's temporary folder, removed when the value is released.
///
/// Each test makes its own, so tests that use real files run in parallel without sharing state.
///
/// ```swift
/// let dir = try TemporaryDirectory()
/// let journal = try Journal(path: dir.path("journal.db"))
/// ```
public final class TemporaryDirectory: Sendable {
    public let url: URL

    public init(prefix: String = "leadsync-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the directory.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}
