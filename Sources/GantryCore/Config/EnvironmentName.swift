/// Environment names end up in metric labels, lock keys and file names, so they are kept
/// to a safe alphabet.
package enum EnvironmentName {
    package static let rule = "use letters, digits, '.', '_' and '-', starting with a letter or digit, at most 63 characters"

    package static func isValid(_ name: String) -> Bool {
        let scalars = Array(name.unicodeScalars)
        guard let first = scalars.first, scalars.count <= 63, isAlphanumeric(first) else { return false }
        return scalars.allSatisfy { isAlphanumeric($0) || $0 == "." || $0 == "_" || $0 == "-" }
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
