/// Forward-only schema migrations: an append-only list of named steps.
///
/// The number of applied steps is the schema version, kept in `PRAGMA user_version`. A step,
/// once shipped, is never edited or removed; a change to the schema is a new step at the end.
/// Each step runs in its own write transaction with the version bump, so a crash leaves the
/// database at one version or the next, never between.
///
/// ```swift
/// var migrator = Migrator()
/// migrator.register("0001-change") { db in try db.execute("CREATE TABLE change (...)") }
/// try migrator.migrate(connection)
/// ```
package struct Migrator: Sendable {
    /// One named step.
    package struct Step: Sendable {
        package let name: String
        let body: @Sendable (Connection) throws -> Void
    }

    package private(set) var steps: [Step] = []

    package init() {}

    /// Appends a step. Names must be unique; they document the schema's history.
    package mutating func register(_ name: String, _ body: @escaping @Sendable (Connection) throws -> Void) {
        precondition(!steps.contains { $0.name == name }, "migration \(name) registered twice")
        steps.append(Step(name: name, body: body))
    }

    /// The version a fully migrated database has.
    package var latestVersion: Int { steps.count }

    /// Applies every step the database has not seen yet and returns the resulting version.
    ///
    /// - Throws: `SQLiteError` from a failing step (named in the error), or when the database
    ///   is newer than this program (its version exceeds the steps known here).
    @discardableResult
    package func migrate(_ db: Connection) throws -> Int {
        while true {
            let applied = try db.write { db -> Bool in
                let version = try db.userVersion
                guard version <= steps.count else {
                    throw SQLiteError(
                        code: 1,
                        message: "database schema version \(version) is newer than this program's \(steps.count)")
                }
                guard version < steps.count else { return false }
                do {
                    try steps[version].body(db)
                } catch let error as SQLiteError {
                    throw SQLiteError(
                        code: error.code, message: "migration \(steps[version].name): \(error.message)", sql: error.sql)
                }
                try db.setUserVersion(version + 1)
                return true
            }
            if !applied { return steps.count }
        }
    }
}
