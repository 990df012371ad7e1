package import Foundation

/// How one delivery is signed: the key, the exact bytes the HMAC-SHA256 covers, and how the
/// MAC and what it covers are written into headers. Everything a receiver checks is decided
/// here, once, for every scheme (`WebhookConfig.Signature`).
///
/// Why a plan and not the signature itself: the core may not import swift-crypto
/// (ARCHITECTURE.md's import table), so it cannot compute an HMAC; yet which key, which bytes
/// (`"<id>.<timestamp>.<body>"` or the body alone), which header names, which prefix and
/// which encoding (base64 or lowercase hex) are the decisions a receiver depends on, and they
/// are pure. So the core makes the plan and the transport does the one thing it cannot:
/// `GantryProbes`' sender computes `HMAC-SHA256(key, message)` with swift-crypto and asks
/// `headers(mac:)` what to send. The plan is a plain value (no closure), so it is `Sendable`,
/// `Hashable`, testable without a network, and a fake transport can look into it.
///
/// The key is a secret: the plan's `description` never shows it (nor the message, which is
/// only the body and public headers, but has no business in a log either).
package struct WebhookSigningPlan: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// How the MAC's bytes are written.
    enum Encoding: Sendable, Hashable {
        /// Lowercase hexadecimal (`X-Gantry-Signature`, `X-Hub-Signature-256`).
        case hex
        /// Standard base64 with padding (`webhook-signature`).
        case base64
    }

    var scheme: WebhookConfig.Signature
    /// The HMAC-SHA256 key (for `standard`, the bytes the `whsec_` secret's base64 stands for).
    package var key: Data
    /// The exact bytes the HMAC covers.
    package var message: Data
    /// The header that carries the MAC.
    package var header: String
    /// What precedes the encoded MAC in that header: `sha256=`, `v1,`.
    package var prefix: String
    var encoding: Encoding
    /// Headers sent beside the signature that it covers (`webhook-id`, `webhook-timestamp`).
    package var covered: [String: String]

    /// - Parameters:
    ///   - key: the HMAC key, from `WebhookConfig.Signature.key(fromSecret:)`.
    ///   - id: the delivery's id, the same on every retry (`standard` only).
    ///   - timestamp: seconds since the epoch at this attempt (`standard` only).
    ///   - body: the exact body that is sent.
    package init(scheme: WebhookConfig.Signature, key: Data, id: String, timestamp: Int64, body: String) {
        self.scheme = scheme
        self.key = key
        switch scheme {
        case .gantry, .github:
            // The same MAC over the body alone; only the header's name differs.
            header = scheme == .gantry ? "X-Gantry-Signature" : "X-Hub-Signature-256"
            prefix = "sha256="
            encoding = .hex
            message = Data(body.utf8)
            covered = [:]
        case .standard:
            header = "webhook-signature"
            prefix = "v1,"
            encoding = .base64
            message = Data("\(id).\(timestamp).\(body)".utf8)
            covered = ["webhook-id": id, "webhook-timestamp": String(timestamp)]
        }
    }

    /// The headers to send, given `mac`, the HMAC-SHA256 of `message` under `key`.
    package func headers(mac: Data) -> [String: String] {
        var headers = covered
        headers[header] = prefix + Self.encode(mac, as: encoding)
        return headers
    }

    static func encode(_ bytes: Data, as encoding: Encoding) -> String {
        switch encoding {
        case .base64:
            return bytes.base64EncodedString()
        case .hex:
            return bytes.map { String(format: "%02x", $0) }.joined()
        }
    }

    package var description: String {
        "\(scheme.rawValue) signature in \(header) (\(message.count) bytes signed; key not shown)"
    }

    package var debugDescription: String { description }
}
