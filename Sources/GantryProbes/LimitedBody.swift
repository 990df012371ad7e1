import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Synchronization

/// Collects an answer's status, its `Content-Type` and the first `limit` bytes of its body (a
/// health endpoint has no business sending more; the rest is read and dropped).
final class LimitedBody: HTTPClientResponseDelegate {
    typealias Response = (status: Int, body: [UInt8], contentType: String?)

    private struct State {
        var status = 0
        var body: [UInt8] = []
        var contentType: String?
    }

    private let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = limit
    }

    func didReceiveHead(task: HTTPClient.Task<Response>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        let contentType = head.headers.first(name: "Content-Type")
        state.withLock { state in
            state.status = Int(head.status.code)
            state.contentType = contentType
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Response>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        let limit = limit
        state.withLock { state in
            let room = limit - state.body.count
            if room > 0 { state.body += buffer.readableBytesView.prefix(room) }
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Response>) throws -> Response {
        state.withLock { ($0.status, $0.body, $0.contentType) }
    }
}
