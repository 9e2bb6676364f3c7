package import Foundation

/// When a request actually left and when its answer (or failure) came back, as the task that
/// sent it saw them: the pacer learns latency and when HubSpot counted the request from these,
/// not from when the machine issued it or got round to handling the answer.
package struct RoundTrip: Sendable, Hashable {
    package var sent: Date
    package var answered: Date

    package init(sent: Date, answered: Date) {
        self.sent = sent
        self.answered = answered
    }
}
