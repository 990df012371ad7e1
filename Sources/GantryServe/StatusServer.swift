package import GantryCore
package import Hummingbird
import HummingbirdCore
package import Logging
import ServiceLifecycle

/// `gantry serve`: the HTTP routes over a `StatusBoard`, and the application that runs them
/// with the polling loops under one service group (SIGTERM and SIGINT drain and stop it).
package enum StatusServer {
    /// The routes: `/healthz`, `/metrics`, `/api/v1/status` and the page at `/`.
    package static func router(board: StatusBoard, token: String?) -> Router<BasicRequestContext> {
        let router = Router()
        if let token { router.add(middleware: BearerTokenMiddleware(token: Array(token.utf8))) }
        router.get("/healthz") { _, _ in
            response("ok\n", type: "text/plain; charset=utf-8")
        }
        router.get("/metrics") { _, _ in
            response(await board.metrics, type: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get("/api/v1/status") { _, _ in
            response(await board.statusJSON, type: "application/json")
        }
        router.get("/") { _, _ in
            response(await board.page, type: "text/html; charset=utf-8")
        }
        return router
    }

    static func response(_ text: String, type: String) -> Response {
        response(Array(text.utf8), type: type)
    }

    static func response(_ bytes: [UInt8], type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Serves until SIGTERM or SIGINT; `onListening` is told the bound address. Connections
    /// idle for `idleTimeout` are closed and at most `maxConnections` are open at once.
    package static func run(
        board: StatusBoard, listen: ListenAddress, token: String?, idleTimeout: Duration, maxConnections: Int,
        pollers: [PollingService], logger: Logger, onListening: @escaping @Sendable (String) -> Void
    ) async throws {
        let app = Application(
            router: router(board: board, token: token),
            server: .http1(configuration: .init(idleTimeout: .milliseconds(idleTimeout.milliseconds))),
            configuration: .init(
                address: .hostname(listen.host, port: listen.port), serverName: "gantry",
                availableConnectionsDelegate: MaximumAvailableConnections(maxConnections)
            ),
            services: pollers,
            onServerRunning: { channel in onListening(channel.localAddress.map { "\($0)" } ?? "\(listen)") },
            logger: logger
        )
        try await app.runService()
    }
}
