/// The path of a value inside the configuration, printed the way a person would write it:
/// `environments.production.checks[2].http.url`.
package struct ConfigKeyPath: Sendable, Hashable, CustomStringConvertible {
    private enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    private var components: [Component] = []

    static let root = ConfigKeyPath()

    package func key(_ name: String) -> ConfigKeyPath {
        var copy = self
        copy.components.append(.key(name))
        return copy
    }

    package func index(_ position: Int) -> ConfigKeyPath {
        var copy = self
        copy.components.append(.index(position))
        return copy
    }

    package var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let name):
                text += text.isEmpty ? name : ".\(name)"
            case .index(let position):
                text += "[\(position)]"
            }
        }
        return text
    }
}
