/// Why a secret cannot sign under a scheme. Says what is wrong with it, never what it is.
package enum WebhookSecretProblem: Error, Sendable, Hashable {
    /// `standard` without the `whsec_` prefix.
    case missingPrefix
    /// `whsec_` followed by something that is not base64.
    case notBase64
    /// `whsec_` followed by nothing, or base64 of nothing.
    case emptyKey

    /// A sentence naming `variable` (the secret's name, never its value).
    package func describe(variable: String) -> String {
        let need = "signature: standard needs a Standard Webhooks secret, whsec_ followed by the key in base64"
        switch self {
        case .missingPrefix: return "\(variable) (secret_env) does not start with whsec_: \(need)"
        case .notBase64: return "\(variable) (secret_env) holds whsec_ followed by something that is not base64: \(need)"
        case .emptyKey: return "\(variable) (secret_env) holds whsec_ followed by no key: \(need)"
        }
    }
}
