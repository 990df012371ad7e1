/// `${VAR}` references in configuration values: the only way a secret enters the config,
/// by name. `$${` writes a literal `${`; any other `$` is left alone, so shell scripts keep
/// their `$1`, `$$` and `$HOME`.
package enum Interpolation {
    /// A reference to a variable the environment does not define.
    package struct MissingVariable: Error, Sendable, Hashable, CustomStringConvertible {
        package var name: String
        package init(name: String) { self.name = name }
        package var description: String { "environment variable \(name) is not set" }
    }

    enum Piece: Equatable {
        case literal(String)
        case variable(String)
    }

    /// Splits `text` into literals and references, or returns why it cannot.
    static func pieces(of text: String) -> Result<[Piece], SyntaxError> {
        var pieces: [Piece] = []
        var literal = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            guard character == "$", next < text.endIndex else {
                literal.append(character)
                index = next
                continue
            }
            let afterNext = text.index(after: next)
            if text[next] == "$", afterNext < text.endIndex, text[afterNext] == "{" {
                literal.append("${")
                index = text.index(after: afterNext)
                continue
            }
            guard text[next] == "{" else {
                literal.append(character)
                index = next
                continue
            }
            let nameStart = text.index(after: next)
            guard let close = text[nameStart...].firstIndex(of: "}") else {
                return .failure(SyntaxError(message: "'${' has no closing '}'"))
            }
            let name = String(text[nameStart..<close])
            guard isValidName(name) else {
                return .failure(SyntaxError(message: "'${\(name)}' is not a valid variable name"))
            }
            if !literal.isEmpty { pieces.append(.literal(literal)) }
            literal = ""
            pieces.append(.variable(name))
            index = text.index(after: close)
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        return .success(pieces)
    }

    struct SyntaxError: Error {
        var message: String
    }

    /// The variable names `text` refers to.
    package static func references(in text: String) -> [String] {
        guard case .success(let pieces) = pieces(of: text) else { return [] }
        return pieces.compactMap { if case .variable(let name) = $0 { name } else { nil } }
    }

    /// `text` with every reference replaced by the variable's value.
    package static func expand(_ text: String, environment: [String: String]) throws(MissingVariable) -> String {
        guard case .success(let pieces) = pieces(of: text) else { return text }
        var result = ""
        for piece in pieces {
            switch piece {
            case .literal(let literal):
                result += literal
            case .variable(let name):
                guard let value = environment[name] else { throw MissingVariable(name: name) }
                result += value
            }
        }
        return result
    }

    /// A `shell: true` script with its references left for the shell to expand from the
    /// environment the command inherits, never spliced into the script: a value (a branch
    /// name, a PR title) can then never become shell syntax. Every variable must still be
    /// set; `$${` becomes `\${`, the shell's own literal `${`.
    package static func shellScript(_ text: String, environment: [String: String]) throws(MissingVariable) -> String {
        guard case .success(let pieces) = pieces(of: text) else { return text }
        var result = ""
        for piece in pieces {
            switch piece {
            case .literal(let literal):
                result += literal.replacingAll("${", with: "\\${")
            case .variable(let name):
                guard environment[name] != nil else { throw MissingVariable(name: name) }
                result += "${\(name)}"
            }
        }
        return result
    }

    /// Whether `name` is a portable environment variable name.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}
