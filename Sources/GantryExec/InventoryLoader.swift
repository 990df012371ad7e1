package import GantryCore
import Foundation

/// Reads an environment's inventory for gantry: with `ansible-inventory`, which sees what
/// Ansible sees (directories, `host_vars/`, plugins), when `GANTRY_INVENTORY_READER=ansible`
/// or by default when it is on PATH; otherwise with the built-in parser, saying what it
/// leaves out. Paths are relative to the config file's directory.
package struct InventoryLoader: Sendable {
    /// Who reads inventories.
    package enum Reader: Sendable {
        case ansible(String)
        case builtin
    }

    /// Why the inventory cannot be read: bad input, with where and why.
    package struct Failure: Error, Sendable, CustomStringConvertible {
        package var description: String
        init(_ description: String) { self.description = description }
    }

    /// The variables `GANTRY_INVENTORY_READER`, `PATH` and the reader's run come from.
    let processEnvironment: [String: String]

    package init(processEnvironment: [String: String]) {
        self.processEnvironment = processEnvironment
    }

    /// Which reader reads inventories: `GANTRY_INVENTORY_READER=ansible|builtin`, or by
    /// default `ansible-inventory` when it is on PATH and the built-in parser otherwise.
    package func reader() throws(Failure) -> Reader {
        let choice = processEnvironment["GANTRY_INVENTORY_READER"] ?? "auto"
        let found = AnsibleInventoryReader.executable(path: processEnvironment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")
        switch choice {
        case "builtin": return .builtin
        case "ansible":
            guard let found else { throw Failure("GANTRY_INVENTORY_READER=ansible, but ansible-inventory is not on PATH; install ansible-core") }
            return .ansible(found)
        case "auto": return found.map(Reader.ansible) ?? .builtin
        default: throw Failure("GANTRY_INVENTORY_READER is '\(choice)'; use ansible, builtin or leave it unset")
        }
    }

    /// The environment's inventory as the chosen reader sees it, and how it was read; nil
    /// without `inventory:`.
    package func read(_ environment: EnvironmentConfig, directory: String) async throws(Failure) -> ReadInventory? {
        guard let path = environment.inventory else { return nil }
        let absolute = PathText.join(directory, path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory) else {
            throw Failure("the inventory of \(environment.name), \(path), cannot be read (looked for \(absolute))")
        }
        switch try reader() {
        case .ansible(let executable):
            do {
                let inventory = try await AnsibleInventoryReader.read(inventory: absolute, executable: executable, directory: directory, environment: processEnvironment)
                return ReadInventory(inventory: inventory, reader: "ansible-inventory (\(executable))", notes: [])
            } catch {
                throw Failure("inventory of \(environment.name): \(error)")
            }
        case .builtin:
            if isDirectory.boolValue {
                throw Failure("the inventory of \(environment.name), \(path), is a directory, which only ansible-inventory reads; install ansible-core so ansible-inventory is on PATH")
            }
            guard let data = FileManager.default.contents(atPath: absolute) else {
                throw Failure("the inventory of \(environment.name), \(path), cannot be read (looked for \(absolute))")
            }
            let inventory: Inventory
            do {
                inventory = try InventoryParser.parse(String(decoding: data, as: UTF8.self), file: path)
            } catch {
                throw Failure("inventory \(error)")
            }
            let beside = PathText.directory(of: absolute)
            let ignored = ["host_vars", "group_vars"].filter { FileManager.default.fileExists(atPath: PathText.join(beside, $0)) }
            let notes = ignored.isEmpty ? [] : [
                "\(ignored.map { "\($0)/" }.joined(separator: " and ")) beside \(path) are not read by the built-in parser (an ansible_host set there is not used); install ansible-core so ansible-inventory is on PATH",
            ]
            return ReadInventory(inventory: inventory, reader: "the built-in parser (ansible-inventory is not on PATH)", notes: notes)
        }
    }
}
