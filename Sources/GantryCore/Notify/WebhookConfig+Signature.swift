package import Foundation

extension WebhookConfig.Signature {
    /// The HMAC key `secret` stands for under this scheme: its UTF-8 bytes as they are
    /// (`gantry`, `github`), or the base64-decoded bytes after `whsec_` (`standard`; padding
    /// may be left off, as the reference libraries allow).
    package func key(fromSecret secret: String) throws(WebhookSecretProblem) -> Data {
        switch self {
        case .gantry, .github:
            return Data(secret.utf8)
        case .standard:
            let marker = "whsec_"
            guard secret.hasPrefix(marker) else { throw .missingPrefix }
            var encoded = String(secret.dropFirst(marker.count))
            guard !encoded.isEmpty else { throw .emptyKey }
            switch encoded.utf8.count % 4 {
            case 2: encoded += "=="
            case 3: encoded += "="
            default: break
            }
            guard let key = Data(base64Encoded: encoded) else { throw .notBase64 }
            guard !key.isEmpty else { throw .emptyKey }
            return key
        }
    }

    /// What is wrong with `secret` as this scheme's secret, or nil when it can sign.
    package func problem(withSecret secret: String) -> WebhookSecretProblem? {
        do {
            _ = try key(fromSecret: secret)
            return nil
        } catch {
            return error
        }
    }
}
