import GantryCore
import GantryExec

/// An inventory as validate read it: who read it, each host's address, each group's hosts.
struct InventoryView: Encodable {
    var environment: String
    var path: String
    var reader: String
    var hosts: Int
    var notes: [String]
    var addresses: [HostView]
    /// Every group with its hosts (children included), sorted by name.
    var groups: [String: [String]]

    struct HostView: Encodable {
        var name: String
        var address: String
        var port: Int?
    }

    init(environment: String, path: String, unreadable: String) {
        self.environment = environment
        self.path = path
        reader = "none: not readable now"
        hosts = 0
        notes = [unreadable]
        addresses = []
        groups = [:]
    }

    init(environment: String, path: String, reading: ReadInventory) {
        self.environment = environment
        self.path = path
        reader = reading.reader
        hosts = reading.inventory.hosts.count
        notes = reading.notes
        addresses = reading.inventory.hosts.map { HostView(name: $0.name, address: $0.address, port: $0.port) }
        var groups: [String: [String]] = [:]
        for group in reading.inventory.groupNames where group != "ungrouped" {
            groups[group] = reading.inventory.hosts(inGroup: group).map(\.name).sorted()
        }
        self.groups = groups
    }
}
