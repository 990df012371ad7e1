import GantryCore
import NIOCore
import NIOPosix

/// Connects and closes: is something listening?
enum TCPProbe {
    static func run(host: String, port: Int, timeout: Duration) async -> ProbeVerdict {
        let started = ContinuousClock.now
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.milliseconds(timeout.milliseconds))
                .connect(host: host, port: port).get()
            try? await channel.close()
            return .pass("connected to \(host):\(port) in \(DurationText.format(ContinuousClock.now - started))")
        } catch {
            return .fail(ErrorText.describe(error, target: "\(host):\(port)"))
        }
    }
}
