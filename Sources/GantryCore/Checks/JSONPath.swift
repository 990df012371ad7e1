/// Dotted paths into JSON (`status`, `components.db.status`, `items.0.name`), values compared
/// as text so YAML authors need not care about JSON types (`true`, `1`, `UP`).
enum JSONPath {
    static func lookup(_ path: String, in document: JSONValue) -> String? {
        var current = document
        for component in path.split(separator: ".") {
            switch current {
            case .object(let members):
                guard let next = members[String(component)] else { return nil }
                current = next
            case .array(let values):
                guard let index = Int(component), values.indices.contains(index) else { return nil }
                current = values[index]
            default:
                return nil
            }
        }
        return current.text
    }
}
