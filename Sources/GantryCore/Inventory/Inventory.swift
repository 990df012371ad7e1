/// A host to deploy to and check: its inventory name and the address to reach it at.
package struct TargetHost: Sendable, Hashable, Codable {
    /// The name in the inventory or in `targets:`; what output shows.
    package var name: String
    /// `ansible_host` when the inventory sets it, else the name; what `{host}` becomes.
    package var address: String
    /// `ansible_port`, when set.
    package var port: Int?

    package init(name: String, address: String? = nil, port: Int? = nil) {
        self.name = name
        self.address = address ?? name
        self.port = port
    }
}

/// An Ansible inventory: hosts, and groups of hosts and of other groups.
package struct Inventory: Sendable, Hashable {
    /// Hosts in the order the file first names them.
    package private(set) var hosts: [TargetHost] = []
    /// Direct members of each group (hosts) and its child groups.
    package private(set) var groupHosts: [String: [String]] = [:]
    package private(set) var groupChildren: [String: [String]] = [:]

    package init() {}

    mutating func addHost(_ name: String, address: String? = nil, port: Int? = nil, group: String?) {
        if let index = hosts.firstIndex(where: { $0.name == name }) {
            if let address { hosts[index].address = address }
            if let port { hosts[index].port = port }
        } else {
            hosts.append(TargetHost(name: name, address: address, port: port))
        }
        if let group {
            addGroup(group)
            if !(groupHosts[group]?.contains(name) ?? false) { groupHosts[group, default: []].append(name) }
        }
    }

    mutating func addGroup(_ name: String) {
        if groupHosts[name] == nil { groupHosts[name] = [] }
        if groupChildren[name] == nil { groupChildren[name] = [] }
    }

    mutating func addChild(_ child: String, to parent: String) {
        addGroup(parent)
        addGroup(child)
        if !(groupChildren[parent]?.contains(child) ?? false) { groupChildren[parent, default: []].append(child) }
    }

    package func isGroup(_ name: String) -> Bool { name == "all" || groupHosts[name] != nil }

    /// Every group the inventory names (not `all`).
    package var groupNames: [String] { groupHosts.keys.filter { $0 != "all" }.sorted() }

    /// Every host of `group`, through its children, in inventory order. `all` is every host.
    package func hosts(inGroup group: String) -> [TargetHost] {
        if group == "all" { return hosts }
        var names: Set<String> = []
        var visited: Set<String> = []
        var pending = [group]
        while let next = pending.popLast() {
            guard visited.insert(next).inserted else { continue }
            names.formUnion(groupHosts[next] ?? [])
            pending += groupChildren[next] ?? []
        }
        return hosts.filter { names.contains($0.name) }
    }

    package func host(named name: String) -> TargetHost? {
        hosts.first { $0.name == name }
    }
}

/// Why an environment's targets could not be worked out.
package struct TargetError: Error, Sendable, CustomStringConvertible {
    package var description: String
}

/// Turns an environment's `targets:` (host and group names) and inventory into the hosts to
/// deploy to and check. Without `targets:`, every host of the inventory.
package enum TargetResolver {
    package static func resolve(_ targets: [String], inventory: Inventory?) throws(TargetError) -> [TargetHost] {
        guard let inventory else { return targets.map { TargetHost(name: $0) } }
        if targets.isEmpty { return inventory.hosts }
        var resolved: [TargetHost] = []
        for target in targets {
            let found: [TargetHost]
            if inventory.isGroup(target) {
                found = inventory.hosts(inGroup: target)
            } else if let host = inventory.host(named: target) {
                found = [host]
            } else {
                throw TargetError(description: "target '\(target)' is neither a host nor a group of the inventory")
            }
            for host in found where !resolved.contains(where: { $0.name == host.name }) { resolved.append(host) }
        }
        return resolved
    }
}
