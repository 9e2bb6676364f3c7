/// Every problem with one input's `properties`.
struct ValidationFailure: Error {
    var problems: [PropertyValidator.Problem]
}
