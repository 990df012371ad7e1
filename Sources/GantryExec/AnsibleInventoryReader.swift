package import GantryCore
import Foundation
import Subprocess
import SystemPackage

/// Asks Ansible itself what an inventory holds (`ansible-inventory -i INV --list`), so that
/// `host_vars/`, `group_vars/`, inventory directories and dynamic inventory plugins count as
/// they do for the playbook. Bounded by a timeout; every failure says what Ansible said.
package enum AnsibleInventoryReader {
    /// Why Ansible could not list the inventory.
    package struct Failure: Error, Sendable, CustomStringConvertible {
        package var description: String
    }

    static let defaultTimeout: Duration = .seconds(60)

    /// The `ansible-inventory` executable on `path`, or nil.
    static func executable(path: String) -> String? {
        LocalProcessControl().findExecutable("ansible-inventory", path: path)
    }

    package static func read(
        inventory: String, executable: String, directory: String, environment: [String: String], timeout: Duration = defaultTimeout
    ) async throws(Failure) -> Inventory {
        let outcome: Result<(status: TerminationStatus, output: String, errors: String), any Error>? = await Deadline.run(timeout) {
            do {
                let result = try await Subprocess.run(
                    .path(FilePath(executable)), arguments: ["-i", inventory, "--list"],
                    environment: .inherit.updating(["ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0"]),
                    workingDirectory: FilePath(directory),
                    output: .string(limit: 256 * 1024 * 1024), error: .string(limit: 1024 * 1024)
                )
                return .success((result.terminationStatus, result.standardOutput, result.standardError))
            } catch {
                return .failure(error)
            }
        }
        switch outcome {
        case .none:
            throw Failure(description: "ansible-inventory -i \(inventory) --list gave no answer within \(DurationText.format(timeout))")
        case .failure(let error)?:
            throw Failure(description: "ansible-inventory could not run: \(error)")
        case .success(let result)?:
            guard result.status.isSuccess else {
                let said = result.errors.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.suffix(3).joined(separator: " / ")
                throw Failure(description: "ansible-inventory -i \(inventory) --list failed (\(result.status)): \(said.isEmpty ? "no message" : said)")
            }
            do {
                return try AnsibleInventoryJSON.parse(Data(result.output.utf8))
            } catch {
                throw Failure(description: error.description)
            }
        }
    }
}
