/// leadsync's version: the one place it is written. `leadsync --version` prints it and the
/// embedding API exposes it (`LeadSync.version`).
package enum LeadSyncVersion {
    /// Semantic version; the minor number follows the issue that last changed the product.
    package static let current = "0.12.0"
}
