/// Which hosts a rollback restored.
package enum RollbackScope: Sendable, Hashable {
    /// Every target.
    case all
    /// The hosts of batches 1 through `n` of a rollout.
    case batches(Int)
    /// Recovery of a rollout: the hosts of the batches it had started, by name.
    case reached([String])

    var text: String {
        switch self {
        case .all: ""
        case .batches(let count): " the hosts of batch\(count == 1 ? " 1" : "es 1-\(count)")"
        case .reached(let hosts): " only \(hosts.joined(separator: ", ")) (the hosts of the batches it started)"
        }
    }
}
