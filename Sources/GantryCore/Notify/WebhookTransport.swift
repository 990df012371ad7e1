/// Sends a webhook: the adapter's side of a delivery.
package protocol WebhookTransport: Sendable {
    /// POSTs `body` to `url` with `headers`; with `signing`, adds the headers of
    /// `signing.headers(mac:)` for the HMAC-SHA256 of `signing.message` under `signing.key`
    /// (the core decides what is signed and how it is written; the transport only computes
    /// the MAC). The answer, or why there is none.
    func post(url: String, body: String, headers: [String: String], signing: WebhookSigningPlan?, timeout: Duration) async -> Result<WebhookResponse, QueryFailure>
}
