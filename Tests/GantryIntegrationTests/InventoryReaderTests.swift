import Foundation
import Testing

/// Inventories as Ansible reads them: `ansible-inventory --list` when it is on PATH, and the
/// built-in parser agreeing with it wherever it claims to understand the file.
/// ansible-core from PyPI, installed by scripts/test (under CI=true it must be there).
enum AnsibleForTests {
    static var bin: String? { ProcessInfo.processInfo.environment["GANTRY_TEST_ANSIBLE_BIN"] }
    static var available: Bool { bin != nil || ProcessInfo.processInfo.environment["CI"] == "true" }
}

@Suite("inventories read by ansible-inventory and by the built-in parser", .enabled(if: AnsibleForTests.available))
struct InventoryReaderTests {
    func withAnsible() throws -> [String: String] {
        let bin = try #require(AnsibleForTests.bin, "GANTRY_TEST_ANSIBLE_BIN is not set: scripts/test installs ansible-core from PyPI")
        return ["PATH": "\(bin):/usr/local/bin:/usr/bin:/bin", "ANSIBLE_LOCAL_TEMP": NSTemporaryDirectory(), "ANSIBLE_HOME": NSTemporaryDirectory() + "ansible-home"]
    }

    let builtin = ["GANTRY_INVENTORY_READER": "builtin"]

    func project(inventory: String, files: [String: String]) throws -> Project {
        let project = try Project(config: """
            version: 1
            environments:
              production:
                inventory: \(inventory)
                deploy: { command: ["true"] }
            """)
        for (path, text) in files {
            let url = project.directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return project
    }

    /// validate --json's view of the inventory: reader, addresses and groups.
    func read(_ project: Project, _ environment: [String: String]) throws -> (reader: String, hosts: [String: String], groups: [String: [String]], notes: [String]) {
        let result = try project.gantry("validate", "--json", environment: environment)
        #expect(result.status == 0, "\(result.output)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let inventory = try #require((document["inventories"] as? [[String: Any]])?.first, "\(result.stdout)")
        var hosts: [String: String] = [:]
        for host in inventory["addresses"] as? [[String: Any]] ?? [] {
            let port = (host["port"] as? Int).map { ":\($0)" } ?? ""
            hosts[host["name"] as? String ?? "?"] = "\(host["address"] as? String ?? "?")\(port)"
        }
        return (inventory["reader"] as? String ?? "", hosts, inventory["groups"] as? [String: [String]] ?? [:], inventory["notes"] as? [String] ?? [])
    }

    static let ini = """
        [web]
        web[01:03].example.test
        [db]
        db-1 ansible_host=127.9.0.10 ansible_port=5433
        [web:vars]
        http_port=8080
        [app:children]
        web
        db
        """

    static let yaml = """
        all:
          children:
            web:
              hosts:
                web-a: { ansible_host: 127.9.0.21 }
                web-b:
            db:
              hosts:
                db-a: { ansible_host: 127.9.0.31, ansible_port: 6543 }
              vars: { role: database }
        """

    @Test("the two readers agree on hosts, addresses and groups of INI and YAML inventories", arguments: [("hosts", ini), ("hosts.yml", yaml)])
    func agree(_ inventory: (name: String, text: String)) throws {
        let project = try project(inventory: inventory.name, files: [inventory.name: inventory.text])
        let ansible = try read(project, try withAnsible())
        let parser = try read(project, builtin)
        #expect(ansible.reader.hasPrefix("ansible-inventory"))
        #expect(parser.reader.hasPrefix("the built-in parser"))
        #expect(!ansible.hosts.isEmpty)
        #expect(ansible.hosts == parser.hosts)
        #expect(ansible.groups == parser.groups)
    }

    @Test("host_vars/ and group_vars/: ansible-inventory resolves the address; the built-in parser says it does not read them")
    func hostVars() throws {
        let project = try project(inventory: "inventory/hosts", files: [
            "inventory/hosts": "[web]\nweb01.localhost\nweb02.localhost\n",
            "inventory/host_vars/web02.localhost.yml": "ansible_host: 127.9.0.77\n",
            "inventory/group_vars/web.yml": "ansible_port: 2200\n",
        ])
        let ansible = try read(project, try withAnsible())
        #expect(ansible.hosts["web02.localhost"] == "127.9.0.77:2200")
        #expect(ansible.hosts["web01.localhost"] == "web01.localhost:2200")
        let parser = try read(project, builtin)
        #expect(parser.notes.contains { $0.contains("host_vars/ and group_vars/") }, "\(parser.notes)")
    }

    @Test("an inventory directory is read by ansible-inventory; the built-in parser refuses it with exit 2")
    func directory() throws {
        let project = try project(inventory: "inventory", files: [
            "inventory/01-web": "[web]\nweb-1 ansible_host=127.9.0.41\n",
            "inventory/02-db.yml": "all:\n  children:\n    db:\n      hosts:\n        db-1: { ansible_host: 127.9.0.42 }\n",
        ])
        let ansible = try read(project, try withAnsible())
        #expect(ansible.hosts == ["web-1": "127.9.0.41", "db-1": "127.9.0.42"])
        let refused = try project.gantry("preflight", "production", environment: builtin)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("is a directory"))
    }

    @Test("an inventory Ansible cannot read is exit 2 with what Ansible said; preflight names the reader")
    func broken() throws {
        let project = try project(inventory: "hosts.yml", files: ["hosts.yml": "all:\n  hosts: [this, is, not, a, mapping]\n"])
        let result = try project.gantry("preflight", "production", environment: try withAnsible().merging(["ANSIBLE_INVENTORY_UNPARSED_FAILED": "true"]) { $1 })
        #expect(result.status == 2, "\(result.output)")
        #expect(result.stderr.contains("ansible-inventory"), "\(result.stderr)")
        let good = try self.project(inventory: "hosts", files: ["hosts": "[web]\nweb-1 ansible_host=127.0.0.1\n"])
        let preflight = try good.gantry("preflight", "production", environment: try withAnsible())
        #expect(preflight.stdout.contains("read by ansible-inventory"), "\(preflight.output)")
    }
}
