internal import CLeadSyncCurl
import Foundation

/// The transport's thread body: adds and removes easy handles, drives `curl_multi_perform`,
/// completes finished transfers and sleeps in `curl_multi_poll` until a socket or the mailbox
/// wakes it.
final class CurlMultiLoop {
    private let mailbox: CurlMailbox
    private let configuration: CurlTransport.Configuration
    private let multi: UnsafeMutableRawPointer
    /// In-flight transfers by easy handle, and by transfer for cancellation.
    private var byEasy: [UnsafeMutableRawPointer: CurlEasyHandle] = [:]
    private var byTransfer: [ObjectIdentifier: CurlEasyHandle] = [:]
    /// Reset easy handles kept for reuse: they keep their TLS session and DNS caches warm.
    private var idleEasyHandles: [UnsafeMutableRawPointer] = []
    private let maxIdleEasyHandles = 32

    init(mailbox: CurlMailbox, configuration: CurlTransport.Configuration) {
        self.mailbox = mailbox
        self.configuration = configuration
        self.multi = mailbox.multi
    }

    static func makeMultiHandle(_ configuration: CurlTransport.Configuration) -> UnsafeMutableRawPointer {
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed: out of memory") }
        _ = leadsync_curl_multi_setopt_long(multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX)
        _ = leadsync_curl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maxConnectionsPerHost)
        _ = leadsync_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, configuration.maxCachedConnections)
        return multi
    }

    static func wakeUp(_ multi: UnsafeMutableRawPointer) { _ = curl_multi_wakeup(multi) }

    func run() {
        while true {
            let (commands, shuttingDown) = mailbox.take()
            if shuttingDown {
                shutDown(unstarted: commands)
                return
            }
            for command in commands {
                switch command {
                case .start(let transfer): start(transfer)
                case .cancel(let transfer): cancel(transfer)
                }
            }
            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            collectFinished()
            var ready: Int32 = 0
            _ = curl_multi_poll(multi, nil, 0, 1000, &ready)
        }
    }

    private func start(_ transfer: CurlTransfer) {
        guard let easy = idleEasyHandles.popLast() ?? curl_easy_init() else {
            transfer.finish(
                .failure(TransportError(kind: .other, host: transfer.host, detail: "curl_easy_init failed")))
            return
        }
        let handle = CurlEasyHandle(easy: easy, transfer: transfer)
        if let error = handle.configure(configuration) {
            recycle(easy)
            transfer.finish(.failure(error))
            return
        }
        guard curl_multi_add_handle(multi, easy) == CURLM_OK else {
            recycle(easy)
            transfer.finish(
                .failure(TransportError(kind: .other, host: transfer.host, detail: "curl_multi_add_handle failed")))
            return
        }
        byEasy[easy] = handle
        byTransfer[ObjectIdentifier(transfer)] = handle
    }

    private func cancel(_ transfer: CurlTransfer) {
        guard let handle = byTransfer[ObjectIdentifier(transfer)] else { return }
        remove(handle)
        transfer.finish(.failure(transfer.cancelledError))
    }

    private func collectFinished() {
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi, &left) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                let handle = byEasy[easy]
            else { continue }
            let code = message.pointee.data.result
            let outcome = handle.outcome(code)
            remove(handle)
            handle.transfer.finish(outcome)
        }
    }

    private func remove(_ handle: CurlEasyHandle) {
        _ = curl_multi_remove_handle(multi, handle.easy)
        byEasy[handle.easy] = nil
        byTransfer[ObjectIdentifier(handle.transfer)] = nil
        handle.release()
        recycle(handle.easy)
    }

    private func recycle(_ easy: UnsafeMutableRawPointer) {
        if idleEasyHandles.count < maxIdleEasyHandles {
            curl_easy_reset(easy)
            idleEasyHandles.append(easy)
        } else {
            curl_easy_cleanup(easy)
        }
    }

    /// Fails whatever is in flight or still queued; the mailbox refuses new commands by now.
    private func shutDown(unstarted: [CurlCommand]) {
        var abandoned = Array(byEasy.values).map(\.transfer)
        Array(byEasy.values).forEach(remove)
        for case .start(let transfer) in unstarted { abandoned.append(transfer) }
        for transfer in abandoned {
            transfer.finish(
                .failure(TransportError(kind: .cancelled, host: transfer.host, detail: "the transport was shut down")))
        }
        mailbox.close()
        idleEasyHandles.forEach { curl_easy_cleanup($0) }
        curl_multi_cleanup(multi)
    }
}
