import AsyncHTTPClient
import Crypto
import Foundation
package import GantryCore
import NIOCore
import NIOHTTP1

/// Webhooks go out through the prober's HTTP clients (one per TLS setting, shut down with
/// the prober). A delivery with a signing plan gets the headers the core's plan writes for
/// the HMAC-SHA256 computed here: the core decides what is signed and how it is written
/// (`WebhookSigningPlan`), this adapter only runs swift-crypto, which the core may not import.
extension LiveProber: WebhookTransport {
    package func post(url: String, body: String, headers: [String: String], signing: WebhookSigningPlan?, timeout: Duration) async -> Result<WebhookResponse, QueryFailure> {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let signing {
            for (name, value) in signing.headers(mac: WebhookMAC.sha256(signing)).sorted(by: { $0.key < $1.key }) {
                request.headers.replaceOrAdd(name: name, value: value)
            }
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

/// The MAC a receiver recomputes to trust a delivery.
private enum WebhookMAC {
    /// HMAC-SHA256 of the plan's message under its key.
    static func sha256(_ plan: WebhookSigningPlan) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: plan.message, using: SymmetricKey(data: plan.key)))
    }
}
