/// A request refused with a message (bad property definition, bad search filter).
struct InvalidRequest: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
