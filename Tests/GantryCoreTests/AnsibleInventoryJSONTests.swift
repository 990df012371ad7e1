import Foundation
import GantryCore
import Testing

@Suite("ansible-inventory --list")
struct AnsibleInventoryJSONTests {
    @Test("hosts, groups, children and the addresses Ansible resolved")
    func parse() throws {
        let json = """
            {"_meta": {"hostvars": {"db1": {"ansible_host": "127.9.0.10", "ansible_port": 5433}, "web02": {"ansible_host": "127.9.0.77", "ansible_port": "2200"}}},
             "all": {"children": ["ungrouped", "app"]}, "app": {"children": ["web", "db"]},
             "db": {"hosts": ["db1"]}, "web": {"hosts": ["web01", "web02"]}, "ungrouped": {"hosts": ["lonely"]}}
            """
        let inventory = try AnsibleInventoryJSON.parse(Data(json.utf8))
        #expect(Set(inventory.hosts.map(\.name)) == ["db1", "web01", "web02", "lonely"])
        #expect(inventory.host(named: "web02") == TargetHost(name: "web02", address: "127.9.0.77", port: 2200))
        #expect(inventory.host(named: "db1")?.port == 5433)
        #expect(Set(inventory.hosts(inGroup: "app").map(\.name)) == ["db1", "web01", "web02"])
        #expect(throws: AnsibleInventoryJSON.Invalid.self) { try AnsibleInventoryJSON.parse(Data("[WARNING]: no".utf8)) }
    }
}
