import GantryCore

/// What the hosts of one environment record: the release they run, the highest fencing
/// token they have accepted (their fence), and whether an overlap beyond any guard happened.
struct HostState {
    var current: String?
    var highestToken: FencingToken?
    var excusedOverlap = false
}
