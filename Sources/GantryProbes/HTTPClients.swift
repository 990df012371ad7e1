import AsyncHTTPClient
import GantryCore
import NIOCore
import NIOSSL

/// One HTTP client per TLS, redirect and connect-timeout setting, created on first use.
///
/// The connect timeout is the probe's own: a request abandoned at its deadline leaves its
/// connection attempt running in the pool, and shutting the client down waits for it. To a
/// host that drops packets (a link down, a partition) that attempt would otherwise last the
/// client's default 10 s, several times over, and hold up the command that probed it.
actor HTTPClients {
    struct Key: Hashable {
        var caFile: String?
        var insecure: Bool
        var followRedirects: Bool
        var connectTimeout: Duration = .seconds(10)
    }

    private var clients: [Key: HTTPClient] = [:]

    func client(for key: Key) -> HTTPClient {
        if let client = clients[key] { return client }
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile = key.caFile { tls.trustRoots = .file(caFile) }
        if key.insecure { tls.certificateVerification = .none }
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: key.followRedirects ? .follow(max: 5, allowCycles: false) : .disallow
        )
        configuration.connectionPool = .init(idleTimeout: .seconds(10))
        // Gantry retries by its own policy (check retries, the runner gate, delivery backoff):
        // an attempt ends on the first refusal instead of retrying until the connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: .milliseconds(max(1, key.connectTimeout.milliseconds)))
        configuration.httpVersion = .http1Only
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        clients[key] = client
        return client
    }

    func shutdown() async {
        for client in clients.values { try? await client.shutdown() }
        clients = [:]
    }
}
