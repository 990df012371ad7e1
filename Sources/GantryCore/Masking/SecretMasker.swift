/// Replaces every secret value in text with `***`.
///
/// Multi-line secrets (an SSH key) are also masked line by line, because commands print
/// them one line at a time. Longer values are replaced first so a secret that contains
/// another is not half-revealed.
package struct SecretMasker: Sendable {
    package static let mask = "***"

    /// Values shorter than this are masked only where they stand alone: replacing every
    /// `x` of a one-character secret would corrupt every path and word it appears in (and
    /// show where the secret's characters are). Preflight refuses such a secret
    /// (`tooShortToMask`), so a deploy never runs with one.
    static let minimumLength = 4

    private let needles: [String]
    /// Values shorter than `minimumLength`, masked as whole tokens only.
    private let shortValues: [String]

    /// A masker for `values`; empty values are ignored (they cannot leak anything).
    package init(values: some Sequence<String>) {
        var needles: Set<String> = []
        var short: Set<String> = []
        for value in values where !value.isEmpty {
            if value.count < Self.minimumLength {
                short.insert(value)
                continue
            }
            needles.insert(value)
            if value.contains("\n") {
                for line in value.split(separator: "\n") {
                    let trimmed = line.trimmingWhitespace()
                    if trimmed.count >= 4 { needles.insert(trimmed) }
                }
            }
        }
        self.needles = needles.sorted { $0.count == $1.count ? $0 < $1 : $0.count > $1.count }
        shortValues = short.sorted { $0.count == $1.count ? $0 < $1 : $0.count > $1.count }
    }

    /// The names among `names` whose values are set but too short to mask safely.
    package static func tooShortToMask(_ names: [String], in environment: [String: String]) -> [String] {
        names.filter { name in environment[name].map { !$0.isEmpty && $0.count < minimumLength } ?? false }
    }

    /// A masker that hides nothing.
    package static let none = SecretMasker(values: [])

    /// The secret values a CI system's own masking is given (GitHub's `::add-mask::`)
    /// before anything else is printed: the ones long enough to mask everywhere. Never
    /// print them elsewhere.
    package var values: [String] { needles }

    /// Every value this masker hides, short ones included: what another masker built from
    /// this one must be given (`SecretMasker(values: a.allValues + b.allValues)`).
    var allValues: [String] { needles + shortValues }

    package var isEmpty: Bool { needles.isEmpty && shortValues.isEmpty }

    /// `text` with every secret replaced.
    package func mask(_ text: String) -> String {
        guard !isEmpty else { return text }
        var result = text
        for needle in needles where result.contains(needle) {
            result = result.replacingAll(needle, with: SecretMasker.mask)
        }
        for value in shortValues where result.contains(value) {
            result = result.replacingStandalone(value, with: SecretMasker.mask)
        }
        return result
    }

    /// Builds the masker for one environment: the values of its declared secrets and of
    /// variables read into credential fields, taken from `processEnvironment`.
    package static func forEnvironment(_ environment: EnvironmentConfig, processEnvironment: [String: String]) -> SecretMasker {
        var values = environment.maskedVariables.compactMap { processEnvironment[$0] }
        for url in environment.credentialURLs {
            let expanded = (try? Interpolation.expand(url, environment: processEnvironment)) ?? url
            if let password = URLPassword.extract(from: expanded) { values.append(password) }
        }
        return SecretMasker(values: values)
    }
}

extension String {
    /// Occurrences of `needle` that stand alone: between the text's ends, white space,
    /// quotes, `=`, `:` and `,` (`TOKEN=x`, `"x"`), not inside a word or a path.
    func replacingStandalone(_ needle: String, with replacement: String) -> String {
        let boundary: (Character?) -> Bool = { character in
            guard let character else { return true }
            return character.isWhitespace || "\"'=:,".contains(character)
        }
        var result = ""
        var remainder = self[...]
        while let range = remainder.firstRange(of: needle) {
            let before = range.lowerBound == remainder.startIndex ? result.last : remainder[remainder.index(before: range.lowerBound)]
            let after = range.upperBound == remainder.endIndex ? nil : remainder[range.upperBound]
            if boundary(before), boundary(after) {
                result += remainder[..<range.lowerBound]
                result += replacement
                remainder = remainder[range.upperBound...]
            } else {
                // One character on: an occurrence that overlaps this one may stand alone.
                let next = remainder.index(after: range.lowerBound)
                result += remainder[..<next]
                remainder = remainder[next...]
            }
        }
        result += remainder
        return result
    }

    /// Every occurrence of `needle` replaced, without Foundation.
    func replacingAll(_ needle: String, with replacement: String) -> String {
        guard !needle.isEmpty else { return self }
        var result = ""
        var remainder = self[...]
        while let range = remainder.firstRange(of: needle) {
            result += remainder[..<range.lowerBound]
            result += replacement
            remainder = remainder[range.upperBound...]
        }
        result += remainder
        return result
    }
}
