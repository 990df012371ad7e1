/// A URL field written as one whole `${VAR}` (`state: "${DATABASE_URL}"`): teams keep a
/// connection string as one secret. Its form cannot be checked when the file is read, so it
/// is checked when the value is: a bad value is a usage error (exit 2) that names the field
/// and the variable and shows the value masked.
package struct DeferredURL: Sendable, Hashable {
    /// Where it is written, for messages: `state`, `environments.production.checks[0].http.url`.
    package var keyPath: String
    package var variable: String
    /// What the value must start with: `postgres://`, `sqlite:`.
    package var prefixes: [String]

    init(keyPath: String, variable: String, prefixes: [String]) {
        self.keyPath = keyPath
        self.variable = variable
        self.prefixes = prefixes
    }

    /// The variable's name when `text` is exactly one `${NAME}` and nothing else.
    package static func variable(in text: String) -> String? {
        guard text.hasPrefix("${"), text.hasSuffix("}"), text.count > 3 else { return nil }
        let name = String(text.dropFirst(2).dropLast())
        return Interpolation.isValidName(name) ? name : nil
    }

    /// Why the value behind the variable is not a URL of the expected form, or nil when it
    /// is (or when the variable is not set: that is reported where it is used).
    package func problem(environment: [String: String]) -> String? {
        guard let value = environment[variable] else { return nil }
        guard !prefixes.contains(where: { value.hasPrefix($0) }) else { return nil }
        let shown = value.isEmpty ? "an empty value" : "\(SecretMasker.mask) (\(value.count) characters)"
        return "\(keyPath): ${\(variable)} holds \(shown), which does not start with \(prefixes.joined(separator: " or "))"
    }

    /// Every problem among `urls`, for one usage error.
    package static func problems(_ urls: [DeferredURL], environment: [String: String]) -> [String] {
        urls.compactMap { $0.problem(environment: environment) }
    }
}
