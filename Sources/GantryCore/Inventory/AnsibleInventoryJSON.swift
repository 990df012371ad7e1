package import Foundation

/// Reads what `ansible-inventory -i INV --list` prints: hosts, groups and the variables
/// Ansible resolved for each host (`host_vars/`, `group_vars/`, inventory directories and
/// dynamic inventory plugins included), so `{host}` checks and preflight probe the address
/// Ansible itself would connect to.
package enum AnsibleInventoryJSON {
    /// Why the output could not be read.
    package struct Invalid: Error, Sendable, CustomStringConvertible {
        package var description: String
    }

    package static func parse(_ data: Data) throws(Invalid) -> Inventory {
        let root: [String: Any]
        do {
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw Invalid(description: "ansible-inventory --list did not print a JSON object")
            }
            root = object
        } catch let error as Invalid {
            throw error
        } catch {
            throw Invalid(description: "ansible-inventory --list printed no valid JSON: \(error.localizedDescription)")
        }
        let hostvars = ((root["_meta"] as? [String: Any])?["hostvars"] as? [String: Any]) ?? [:]
        var inventory = Inventory()
        var visited: Set<String> = []
        func visit(_ group: String) {
            guard visited.insert(group).inserted, let body = root[group] as? [String: Any] else { return }
            if group != "all" { inventory.addGroup(group) }
            for host in (body["hosts"] as? [String]) ?? [] {
                let vars = hostvars[host] as? [String: Any] ?? [:]
                inventory.addHost(host, address: vars["ansible_host"] as? String, port: port(vars["ansible_port"]), group: group == "all" ? nil : group)
            }
            for child in (body["children"] as? [String]) ?? [] {
                if group != "all" { inventory.addChild(child, to: group) }
                visit(child)
            }
        }
        visit("all")
        return inventory
    }

    private static func port(_ value: Any?) -> Int? {
        if let number = value as? Int { return number }
        if let text = value as? String { return Int(text) }
        return nil
    }
}
