/// A simulated runner's faults as they stand: freezes (of gantry alone, or of the whole
/// machine), a partition from the store, whether it is gone, and its queue of jobs (a runner
/// runs one job at a time).
struct RunnerState {
    struct Window { var from: Int64; var until: Int64 }

    var wholeFreezes: [Window] = []
    var gantryFreezes: [Window] = []
    var partitions: [Window] = []
    var gone = false
    var pending: [Int] = []
    /// The deployer running now.
    var current: Int?

    func frozen(at time: Int64) -> Window? { wholeFreezes.last { $0.from <= time && time < $0.until } }
    func gantryFrozen(at time: Int64) -> Window? { gantryFreezes.last { $0.from <= time && time < $0.until } }
    func partitioned(at time: Int64) -> Bool { partitions.contains { $0.from <= time && time < $0.until } }
}
