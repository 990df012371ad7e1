import GantryCore
import NIOCore
import NIOPosix

/// A real RESP exchange: `AUTH` when a password is configured, then `PING`, which must
/// answer `PONG`. Written on SwiftNIO because no maintained Redis client is among the
/// available packages, and these two commands are all a health check needs.
enum RedisProbe {
    static func run(_ config: RedisProbeConfig, timeout: Duration) async -> ProbeVerdict {
        let target = "\(config.host):\(config.port)"
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.milliseconds(timeout.milliseconds))
                .connect(host: config.host, port: config.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            return try await channel.executeThenClose { inbound, outbound in
                var request: [UInt8] = []
                var expected = 1
                if let password = config.password {
                    request += RedisProtocol.command(["AUTH"] + (config.username.map { [$0] } ?? []) + [password])
                    expected += 1
                }
                request += RedisProtocol.command(["PING"])
                try await outbound.write(ByteBuffer(bytes: request))
                var buffer: [UInt8] = []
                var replies: [RedisProtocol.Reply] = []
                for try await chunk in inbound {
                    buffer += chunk.readableBytesView
                    let parsed = RedisProtocol.replies(in: buffer)
                    replies += parsed.replies
                    buffer.removeFirst(parsed.consumed)
                    if replies.count >= expected || replies.contains(where: { if case .error = $0 { true } else { false } }) { break }
                }
                return judge(replies, authenticated: config.password != nil, target: target)
            }
        } catch {
            return .fail(ErrorText.describe(error, target: target))
        }
    }

    static func judge(_ replies: [RedisProtocol.Reply], authenticated: Bool, target: String) -> ProbeVerdict {
        for reply in replies {
            if case .error(let message) = reply {
                if message.hasPrefix("WRONGPASS") || message.contains("invalid password") || message.contains("invalid username-password") {
                    return .fail("authentication failed at \(target): wrong password")
                }
                if message.hasPrefix("NOAUTH") { return .fail("\(target) requires a password (NOAUTH); set password:") }
                return .fail("\(target) answered an error: \(message)")
            }
        }
        guard let last = replies.last else { return .fail("\(target) closed the connection without answering") }
        guard last == .simple("PONG") else { return .fail("\(target) answered \(last) to PING, expected PONG") }
        return .pass("PONG from \(target)\(authenticated ? " (authenticated)" : "")")
    }
}
