/// One fault of a schedule: what, on which runner (nil: the store or the network as a
/// whole), from when and for how long (true time, nanoseconds).
struct Fault: Sendable, Hashable {
    var kind: FaultKind
    var runner: Int?
    var at: Int64
    var duration: Int64
}
