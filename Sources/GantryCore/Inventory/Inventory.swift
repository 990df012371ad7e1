/// An Ansible inventory: hosts, and groups of hosts and of other groups.
package struct Inventory: Sendable, Hashable {
    /// Hosts in the order the file first names them.
    package private(set) var hosts: [TargetHost] = []
    /// Direct members of each group (hosts) and its child groups.
    private(set) var groupHosts: [String: [String]] = [:]
    private(set) var groupChildren: [String: [String]] = [:]

    init() {}

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

    func isGroup(_ name: String) -> Bool { name == "all" || groupHosts[name] != nil }

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
