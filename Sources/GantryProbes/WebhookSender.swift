import AsyncHTTPClient
import Crypto
import Foundation
package import GantryCore
import NIOCore
import NIOHTTP1

/// Webhooks go out through the prober's HTTP clients (one per TLS setting, shut down with
/// the prober), signed with HMAC-SHA256 over the exact body when a key is given.
extension LiveProber: WebhookTransport {
    package func post(url: String, body: String, headers: [String: String], signingKey: String?, timeout: Duration) async -> Result<WebhookResponse, QueryFailure> {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let signingKey {
            request.headers.add(name: "X-Gantry-Signature", value: "sha256=" + WebhookSignature.hex(body: body, key: signingKey))
        }
        request.body = .bytes(ByteBuffer(string: body))
        let client = await http.client(for: HTTPClients.Key(caFile: nil, insecure: false, followRedirects: false, connectTimeout: timeout))
        do {
            let response = try await client.execute(request, deadline: NIODeadline.now() + .milliseconds(timeout.milliseconds))
            let answer = (try? await response.body.collect(upTo: 64 * 1024)).map { String(buffer: $0) } ?? ""
            return .success(WebhookResponse(status: Int(response.status.code), body: answer))
        } catch {
            return .failure(QueryFailure(message: ErrorText.describe(error, target: "the webhook")))
        }
    }
}

/// The signature a receiver recomputes to trust a delivery.
enum WebhookSignature {
    static func hex(body: String, key: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(key.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }
}
