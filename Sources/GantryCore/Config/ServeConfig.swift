/// How `gantry serve` listens and polls.
package struct ServeConfig: Sendable, Hashable {
    /// `host:port`; loopback by default, so exposing the page is a decision.
    package var listen: String = "127.0.0.1:9464"
    /// The environment variable holding a bearer token every route but /healthz requires.
    package var tokenEnv: String?
    /// How often runners are probed.
    package var runnerInterval: Duration = .seconds(30)
    /// How often each environment's checks run.
    package var checkInterval: Duration = .seconds(60)
    /// How often the state store is read for deployments, locks and releases.
    package var storeInterval: Duration = .seconds(5)
    /// Consecutive failed probes before a healthy runner or check is reported down.
    package var unhealthyAfter: Int = 2
    /// Consecutive passed probes before a down runner or check is reported up again.
    package var healthyAfter: Int = 2
    /// A connection that sends nothing for this long is closed, so idle sockets cannot pile up.
    package var idleTimeout: Duration = .seconds(10)
    /// At most this many connections at once; more wait in the listen backlog. `serve`
    /// raises its descriptor limit to fit and keeps the cap below it, so a flood of idle
    /// sockets can neither exhaust descriptors nor keep `/healthz` waiting.
    package var maxConnections: Int = 4096
    /// Refuse to start without a token (`token_env` set and non-empty).
    package var requireToken = false

    init() {}
}
