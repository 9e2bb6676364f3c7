import Foundation
import Synchronization

/// One request on its way through the multi loop: holds the caller's continuation and settles the
/// race between the caller's cancellation and the loop's completion, so it is resumed once.
final class CurlTransfer: Sendable {
    private enum State {
        case created
        case waiting(CheckedContinuation<HTTPResponse, any Error>)
        case cancelledEarly
        case finished
    }

    let request: HTTPRequest
    private let state = Mutex<State>(.created)

    init(request: HTTPRequest) { self.request = request }

    /// Stores the continuation. Returns false (and fails the caller) when the task was cancelled
    /// before the transfer reached the loop.
    func attach(_ continuation: CheckedContinuation<HTTPResponse, any Error>) -> Bool {
        let alreadyCancelled = state.withLock { state -> Bool in
            if case .cancelledEarly = state { return true }
            state = .waiting(continuation)
            return false
        }
        if alreadyCancelled { continuation.resume(throwing: cancelledError) }
        return !alreadyCancelled
    }

    /// Marks the caller as cancelled. Returns true when the loop holds the transfer and must
    /// remove it.
    func cancel() -> Bool {
        state.withLock { state in
            switch state {
            case .created:
                state = .cancelledEarly
                return false
            case .waiting: return true
            case .cancelledEarly, .finished: return false
            }
        }
    }

    /// Resumes the caller with the outcome, once; later calls do nothing.
    func finish(_ result: Result<HTTPResponse, TransportError>) {
        let continuation = state.withLock { state -> CheckedContinuation<HTTPResponse, any Error>? in
            guard case .waiting(let continuation) = state else { return nil }
            state = .finished
            return continuation
        }
        continuation?.resume(with: result.mapError { $0 as any Error })
    }

    var cancelledError: TransportError {
        TransportError(kind: .cancelled, host: host, detail: "the request was cancelled")
    }

    /// The URL's host, for error messages that must not show the path or query.
    var host: String { URLComponents(string: request.url)?.host ?? "(invalid URL)" }
}

/// Commands from callers to the loop thread.
enum CurlCommand {
    case start(CurlTransfer)
    case cancel(CurlTransfer)
}

/// The queue between callers and the loop thread. Posting wakes the loop with
/// `curl_multi_wakeup`; after shutdown the multi handle is gone and posting fails the transfer.
final class CurlMailbox: Sendable {
    private struct State {
        var commands: [CurlCommand] = []
        var shuttingDown = false
        var closed = false
    }

    private let state = Mutex(State())
    /// Owned by the loop thread; other threads only call `curl_multi_wakeup` on it, which libcurl
    /// allows, and only under `state`'s lock while not closed.
    nonisolated(unsafe) let multi: UnsafeMutableRawPointer

    init(configuration: CurlTransport.Configuration) {
        multi = CurlMultiLoop.makeMultiHandle(configuration)
    }

    func post(_ command: CurlCommand) {
        let accepted = state.withLock { state -> Bool in
            guard !state.shuttingDown else { return false }
            state.commands.append(command)
            CurlMultiLoop.wakeUp(multi)
            return true
        }
        if !accepted, case .start(let transfer) = command {
            transfer.finish(
                .failure(TransportError(kind: .cancelled, host: transfer.host, detail: "the transport was shut down")))
        }
    }

    func shutDown() {
        state.withLock { state in
            state.shuttingDown = true
            if !state.closed { CurlMultiLoop.wakeUp(multi) }
        }
    }

    /// The loop takes all queued commands; `shuttingDown` tells it to stop.
    func take() -> (commands: [CurlCommand], shuttingDown: Bool) {
        state.withLock { state in
            defer { state.commands.removeAll(keepingCapacity: true) }
            return (state.commands, state.shuttingDown)
        }
    }

    /// Called by the loop right before it frees the multi handle.
    func close() { state.withLock { $0.closed = true } }
}
