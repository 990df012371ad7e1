import GantryCore
import Testing

@Suite("Ansible inventories")
struct InventoryTests {
    let ini = """
        # production
        mail.example.com

        [webservers]
        web[01:03].example.com
        lb.example.com ansible_host=10.0.0.9 ansible_port=2222  # the balancer

        [dbservers]
        db.example.com:5433

        [production:children]
        webservers
        dbservers

        [webservers:vars]
        ntp_server=ntp.example.com
        """

    @Test("INI: groups, children, ranges, ansible_host and ansible_port")
    func iniInventory() throws {
        let inventory = try InventoryParser.parse(ini, file: "hosts")
        #expect(inventory.hosts.map(\.name) == ["mail.example.com", "web01.example.com", "web02.example.com", "web03.example.com", "lb.example.com", "db.example.com"])
        #expect(inventory.host(named: "lb.example.com") == TargetHost(name: "lb.example.com", address: "10.0.0.9", port: 2222))
        #expect(inventory.host(named: "db.example.com")?.port == 5433)
        #expect(inventory.hosts(inGroup: "production").count == 5)
        #expect(inventory.hosts(inGroup: "dbservers").map(\.name) == ["db.example.com"])
    }

    @Test("YAML: the same structure")
    func yamlInventory() throws {
        let yaml = """
            all:
              hosts:
                mail.example.com:
              children:
                webservers:
                  hosts:
                    web[1:2].example.com:
                    lb.example.com: { ansible_host: 10.0.0.9, ansible_port: 2222 }
                production:
                  children:
                    webservers:
                  vars: { env: prod }
            """
        let inventory = try InventoryParser.parse(yaml, file: "hosts.yml")
        #expect(inventory.hosts.map(\.name) == ["mail.example.com", "web1.example.com", "web2.example.com", "lb.example.com"])
        #expect(inventory.hosts(inGroup: "production").map(\.address) == ["web1.example.com", "web2.example.com", "10.0.0.9"])
    }

    @Test("an inventory that does not parse names the file and line", arguments: [
        ("[webservers\nweb1", "hosts", 1), ("[web:nonsense]\n", "hosts", 1), ("[web]\nweb1 ansible_port=http\n", "hosts", 2),
        ("all:\n  hostz: {}\n", "hosts.yml", 2), ("web[1:x].example.com\n", "hosts", 1),
    ])
    func errors(text: String, file: String, line: Int) {
        #expect {
            _ = try InventoryParser.parse(text, file: file)
        } throws: { error in
            (error as? InventoryError)?.line == line && (error as? InventoryError)?.file == file
        }
    }

    @Test("targets name hosts or groups; without targets, every host; unknown names are errors")
    func targets() throws {
        let inventory = try InventoryParser.parse(ini, file: "hosts")
        #expect(try TargetResolver.resolve(["dbservers", "lb.example.com", "db.example.com"], inventory: inventory).map(\.name) == ["db.example.com", "lb.example.com"])
        #expect(try TargetResolver.resolve([], inventory: inventory).count == 6)
        #expect(try TargetResolver.resolve(["a", "b"], inventory: nil).map(\.address) == ["a", "b"])
        #expect(throws: TargetError.self) { try TargetResolver.resolve(["nope"], inventory: inventory) }
    }
}
