import ServiceLifecycle

/// Runs `work` now and then every `interval` until the service group shuts down. A poll in
/// progress when SIGTERM arrives is cancelled, and the service returns normally, so a
/// shutdown is clean rather than an error.
package struct PollingService: Service {
    package let name: String
    let interval: Duration
    let work: @Sendable () async -> Void

    init(name: String, interval: Duration, work: @escaping @Sendable () async -> Void) {
        self.name = name
        self.interval = interval
        self.work = work
    }

    package func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    await work()
                    try await Task.sleep(for: interval)
                }
            }
        } catch is CancellationError {
            return
        }
    }
}
