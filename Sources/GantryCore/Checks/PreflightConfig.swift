/// What preflight checks, from `preflight:` in the environment.
package struct PreflightConfig: Sendable, Hashable {
    /// Every target must accept a TCP connection on this port (its `ansible_port` wins).
    var reachablePort: Int?
    /// Programs that must be on PATH.
    package var tools: [String] = []
    /// Free space needed on the runner, in the config's directory.
    package var minFreeDisk: SizeThreshold?
    /// The limit of each reachability probe.
    package var timeout: Duration = .seconds(3)
    /// A missing rollback command fails preflight instead of warning.
    var requireRollback = false

    init() {}
}
