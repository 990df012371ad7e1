/// A release string that is safe to pass anywhere: into argv, a shell (quoted), a file name,
/// a metric label. Validated once at the edge, so nothing deeper can receive `1.0;rm -rf /`.
package struct Release: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    package let value: String

    /// Why a string is not a release.
    ///
    /// A `/` is refused rather than accepted: a release becomes a path on the hosts
    /// (`releases/{release}/`) and an argument of the deploy command, where `feature/foo`
    /// would make a directory the deploy did not mean and `../x` one outside it. The message
    /// says how to turn a branch name, which GitHub's `ref_name` gives, into a release.
    package struct Invalid: Error, Sendable, CustomStringConvertible {
        package var text: String
        package var description: String {
            let rule = "'\(text)' is not a valid release: use 1 to 128 characters of letters, digits, '.', '_', '+' and '-', starting with a letter or digit"
            guard text.contains("/") else { return rule }
            let suggested = text.replacingAll("/", with: "-")
            let fix = Release.isValid(suggested) ? " (such as '\(suggested)')" : ""
            return rule + ". A '/' is refused because a release becomes a path on the hosts; replace it with '-'\(fix); on GitHub Actions: --release \"${GITHUB_REF_NAME//\\//-}\""
        }
    }

    package init(_ text: String) throws(Invalid) {
        guard Release.isValid(text) else { throw Invalid(text: text) }
        value = text
    }

    /// `^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$`
    package static func isValid(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.first, scalars.count <= 128, isAlphanumeric(first) else { return false }
        return scalars.allSatisfy { isAlphanumeric($0) || $0 == "." || $0 == "_" || $0 == "+" || $0 == "-" }
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    package var description: String { value }

    package static func < (lhs: Release, rhs: Release) -> Bool { lhs.value < rhs.value }

    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

extension Release {
    /// What a `gantry rollback` without `--to` carries until the engine picks its target
    /// (`DeploymentRequest.rollsBackToPrevious`): never recorded, never run.
    package static let rollbackStandIn = Release(checked: "previous")

    /// A release known to be valid.
    private init(checked text: String) {
        value = text
    }
}
