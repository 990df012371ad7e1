/// One entry of `notify:`, at the top level (every environment) or in an environment: a
/// webhook (`{ webhook: { url, on, format, secret_env, signature } }`), or, with `github` set,
/// the GitHub deployments mirror (`url` is then the API's base).
package struct WebhookConfig: Sendable, Hashable {
    /// The body's shape: gantry's JSON, or a Slack incoming webhook's `{ "text": … }`.
    package enum Format: String, Sendable, Hashable, CaseIterable {
        case json, slack
    }

    /// How a delivery is signed with the key in `secret_env` (`signature:`), so the receiver
    /// can verify it with what it already has. `WebhookSigningPlan` says what each one sends.
    package enum Signature: String, Sendable, Hashable, CaseIterable {
        /// `X-Gantry-Signature: sha256=<hex HMAC-SHA256 of the body>`; the key is the
        /// secret's bytes. Replayable: nothing but the body is signed.
        case gantry
        /// Standard Webhooks (standardwebhooks.com): `webhook-id`, `webhook-timestamp` and
        /// `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`; the
        /// secret is `whsec_<base64 of the key>`. Receivers refuse old timestamps.
        case standard
        /// GitHub's `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`; the key is
        /// the secret's bytes.
        case github
    }

    /// As written: `${VAR}` is expanded only when a delivery is made, so the outbox never
    /// holds the (often secret) URL.
    package var url: String
    package var events: [NotificationEvent]
    package var format: Format
    /// The variable holding the signing secret (the HMAC-SHA256 key, or for `standard` its
    /// `whsec_` form).
    package var secretEnv: String?
    /// How deliveries are signed when `secretEnv` is set.
    package var signature: Signature
    package var timeout: Duration
    /// Set for the GitHub deployments mirror.
    package var github: GitHubMirror?

    package init(
        url: String, events: [NotificationEvent] = NotificationEvent.defaults, format: Format = .json, secretEnv: String? = nil,
        signature: Signature = .gantry, timeout: Duration = .seconds(5)
    ) {
        self.url = url
        self.events = events
        self.format = format
        self.secretEnv = secretEnv
        self.signature = signature
        self.timeout = timeout
    }

    /// A stable name for this webhook in the outbox: a hash of its URL as written and its
    /// format, so the outbox can find it again in the config without storing the URL.
    package var id: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (url + "|" + format.rawValue + (github.map { "|github|" + $0.repo } ?? "")).utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
