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
