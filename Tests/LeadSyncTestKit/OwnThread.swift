import Foundation

/// Runs `body` on a thread of its own and awaits it: for test bodies that sleep or wait for
/// processes, which must not hold one of the few threads of Swift's cooperative pool (two on a
/// two-core machine) while the rest of the suite runs.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
