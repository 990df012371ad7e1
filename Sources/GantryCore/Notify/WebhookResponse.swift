/// What the receiving end answered.
package struct WebhookResponse: Sendable, Hashable {
    package var status: Int
    /// The body, up to 64 KiB.
    package var body: String

    package init(status: Int, body: String = "") {
        self.status = status
        self.body = body
    }
}
