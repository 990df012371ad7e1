/// What preflight says of the secrets of `signature: standard` webhooks: their form can only
/// be judged once the value is readable, at run time, so a malformed one refuses the deploy
/// there, by the variable's name (never its value), before anything changes. A secret this
/// process does not see is a warning, not a refusal: deliveries may be left to `gantry
/// serve` elsewhere, and a delivery without its secret is never sent unsigned.
package struct WebhookSecretCheck: Sendable, Hashable {
    /// The variable (`secret_env`), never its value.
    package var variable: String
    package var passed: Bool
    /// Passed, but worth saying.
    package var warning: Bool
    package var message: String

    package static func preflight(_ hooks: [WebhookConfig], processEnvironment: [String: String]) -> [WebhookSecretCheck] {
        var seen: Set<String> = []
        var checks: [WebhookSecretCheck] = []
        for hook in hooks where hook.github == nil && hook.signature == .standard {
            guard let variable = hook.secretEnv, seen.insert(variable).inserted else { continue }
            let value = processEnvironment[variable] ?? ""
            if value.isEmpty {
                checks.append(WebhookSecretCheck(
                    variable: variable, passed: true, warning: true,
                    message: "\(variable) (secret_env of a signature: standard webhook) is not set here: this process cannot sign its deliveries, which are retried until one can"
                ))
            } else if let problem = hook.signature.problem(withSecret: value) {
                checks.append(WebhookSecretCheck(variable: variable, passed: false, warning: false, message: problem.describe(variable: variable)))
            } else {
                checks.append(WebhookSecretCheck(variable: variable, passed: true, warning: false, message: "\(variable) is a Standard Webhooks secret (whsec_)"))
            }
        }
        return checks
    }
}
