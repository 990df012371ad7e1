/// A probe's failure, already phrased for a person.
struct ProbeFailure: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
