import Yams

/// Reads Ansible inventories in INI and YAML form: groups, `:children`, hosts, host ranges
/// (`web[01:20].example.com`), `ansible_host` and `ansible_port`. Variables other than those
/// two are accepted and ignored: Gantry needs to know where hosts are, not how to configure them.
package enum InventoryParser {
    package static func parse(_ text: String, file: String) throws(InventoryError) -> Inventory {
        if isYAML(text, file: file) { return try parseYAML(text, file: file) }
        return try parseINI(text, file: file)
    }

    static func isYAML(_ text: String, file: String) -> Bool {
        if file.hasSuffix(".yml") || file.hasSuffix(".yaml") || file.hasSuffix(".json") { return true }
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") || line == "---" { continue }
            return line.hasSuffix(":") && !line.hasPrefix("[")
        }
        return false
    }

    // MARK: INI

    static func parseINI(_ text: String, file: String) throws(InventoryError) -> Inventory {
        var inventory = Inventory()
        enum Section { case hosts(String?), children(String), vars }
        var section = Section.hosts(nil)
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            var line = raw.trimmingWhitespace()
            if let comment = line.firstIndex(where: { $0 == "#" || $0 == ";" }), comment == line.startIndex { continue }
            if let comment = line.firstRange(of: " #") { line = String(line[..<comment.lowerBound]).trimmingWhitespace() }
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else {
                    throw InventoryError(file: file, line: number, message: "'\(line)' is not a section header like [webservers]")
                }
                let header = String(line.dropFirst().dropLast())
                let parts = header.split(separator: ":", maxSplits: 1).map(String.init)
                guard let group = parts.first, isValidGroupName(group) else {
                    throw InventoryError(file: file, line: number, message: "'\(header)' is not a valid group name")
                }
                switch parts.count == 2 ? parts[1] : nil {
                case nil: section = .hosts(group); inventory.addGroup(group)
                case "children": section = .children(group); inventory.addGroup(group)
                case "vars": section = .vars
                case let other?: throw InventoryError(file: file, line: number, message: "unknown section type ':\(other)' (use :children or :vars)")
                }
                continue
            }
            switch section {
            case .vars:
                guard line.contains("=") else { throw InventoryError(file: file, line: number, message: "'\(line)' is not a key=value variable") }
            case .children(let parent):
                guard isValidGroupName(line) else { throw InventoryError(file: file, line: number, message: "'\(line)' is not a valid group name") }
                inventory.addChild(line, to: parent)
            case .hosts(let group):
                let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                var pattern = words[0]
                var port: Int?
                if let colon = pattern.lastIndex(of: ":"), !pattern.contains("]") || colon > pattern.lastIndex(of: "]")!, let value = Int(pattern[pattern.index(after: colon)...]) {
                    port = value
                    pattern = String(pattern[..<colon])
                }
                var address: String?
                for word in words.dropFirst() {
                    guard let equals = word.firstIndex(of: "=") else {
                        throw InventoryError(file: file, line: number, message: "'\(word)' is not a key=value host variable")
                    }
                    let key = word[..<equals], value = String(word[word.index(after: equals)...]).trimmingCharacters(in: "\"'")
                    if key == "ansible_host" { address = value }
                    if key == "ansible_port" {
                        guard let value = Int(value), (1...65_535).contains(value) else {
                            throw InventoryError(file: file, line: number, message: "ansible_port must be a port number")
                        }
                        port = value
                    }
                }
                let names: [String]
                do { names = try expandRange(pattern) } catch { throw InventoryError(file: file, line: number, message: error.description) }
                for name in names {
                    inventory.addHost(name, address: names.count == 1 ? address : nil, port: port, group: group)
                }
            }
        }
        return inventory
    }

    struct RangeError: Error, CustomStringConvertible { var description: String }

    /// `web[01:03].example.com` → web01, web02, web03; `db[a:c]` → dba, dbb, dbc.
    static func expandRange(_ pattern: String) throws(RangeError) -> [String] {
        guard let open = pattern.firstIndex(of: "["), let close = pattern[open...].firstIndex(of: "]") else { return [pattern] }
        let inner = pattern[pattern.index(after: open)..<close]
        let bounds = inner.split(separator: ":").map(String.init)
        guard bounds.count == 2 else { throw RangeError(description: "'\(pattern)' has a bad host range; write [01:20] or [a:f]") }
        let prefix = String(pattern[..<open]), suffix = String(pattern[pattern.index(after: close)...])
        var items: [String] = []
        if let low = Int(bounds[0]), let high = Int(bounds[1]), low <= high, high - low < 10_000 {
            let width = bounds[0].count
            for value in low...high {
                let digits = String(value)
                items.append(bounds[0].hasPrefix("0") ? String(repeating: "0", count: max(0, width - digits.count)) + digits : digits)
            }
        } else if bounds[0].count == 1, bounds[1].count == 1, let low = bounds[0].unicodeScalars.first, let high = bounds[1].unicodeScalars.first,
                  low.properties.isAlphabetic, high.properties.isAlphabetic, low.isASCII, high.isASCII, low <= high {
            items = (low.value...high.value).compactMap { Unicode.Scalar($0).map { String($0) } }
        } else {
            throw RangeError(description: "'\(pattern)' has a bad host range; write [01:20] or [a:f]")
        }
        var names: [String] = []
        for item in items { names += try expandRange(prefix + item + suffix) }
        return names
    }

    static func isValidGroupName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { $0 == "_" || $0 == "-" || $0 == "." || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    // MARK: YAML

    static func parseYAML(_ text: String, file: String) throws(InventoryError) -> Inventory {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            var line: Int?
            switch error {
            case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): line = mark.line
            default: break
            }
            throw InventoryError(file: file, line: line, message: "is not valid YAML")
        } catch {
            throw InventoryError(file: file, line: nil, message: "is not valid YAML")
        }
        var inventory = Inventory()
        guard let root, let groups = root.mapping else {
            throw InventoryError(file: file, line: root?.mark?.line, message: "a YAML inventory is a mapping of groups (all:, webservers:, …)")
        }
        for (key, value) in groups {
            guard let name = key.scalar?.string else { continue }
            try readGroup(name, value, into: &inventory, file: file)
        }
        return inventory
    }

    static func readGroup(_ name: String, _ node: Node, into inventory: inout Inventory, file: String) throws(InventoryError) {
        inventory.addGroup(name)
        if node.isNull { return }
        guard let fields = node.mapping else {
            throw InventoryError(file: file, line: node.mark?.line, message: "group '\(name)' must be a mapping with hosts:, children: or vars:")
        }
        for (key, value) in fields {
            switch key.scalar?.string {
            case "hosts":
                if value.isNull { continue }
                guard let hosts = value.mapping else {
                    throw InventoryError(file: file, line: value.mark?.line, message: "hosts of '\(name)' must be a mapping of host names")
                }
                for (hostKey, variables) in hosts {
                    guard let pattern = hostKey.scalar?.string else { continue }
                    var address: String?
                    var port: Int?
                    if let vars = variables.mapping {
                        address = vars["ansible_host"]?.scalar?.string
                        if let text = vars["ansible_port"]?.scalar?.string {
                            guard let value = Int(text), (1...65_535).contains(value) else {
                                throw InventoryError(file: file, line: vars["ansible_port"]?.mark?.line, message: "ansible_port must be a port number")
                            }
                            port = value
                        }
                    }
                    let names: [String]
                    do { names = try expandRange(pattern) } catch { throw InventoryError(file: file, line: hostKey.mark?.line, message: error.description) }
                    for host in names { inventory.addHost(host, address: names.count == 1 ? address : nil, port: port, group: name) }
                }
            case "children":
                if value.isNull { continue }
                guard let children = value.mapping else {
                    throw InventoryError(file: file, line: value.mark?.line, message: "children of '\(name)' must be a mapping of groups")
                }
                for (childKey, childValue) in children {
                    guard let child = childKey.scalar?.string else { continue }
                    inventory.addChild(child, to: name)
                    try readGroup(child, childValue, into: &inventory, file: file)
                }
            case "vars":
                continue
            default:
                throw InventoryError(file: file, line: key.mark?.line, message: "unknown key '\(key.scalar?.string ?? "?")' in group '\(name)' (use hosts:, children: or vars:)")
            }
        }
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
