import Foundation
package import GantryCore
import Subprocess
import SystemPackage

/// Signs and checks approvals with OpenSSH's `ssh-keygen -Y`, the same signatures git makes
/// for commits: `sign` with the approver's key (a passphrase is asked on the terminal, an
/// agent's key works with `KEY.pub`), `find-principals` for whose key it is in the
/// `allowed_signers` file, and `verify` over the statement's bytes in the `gantry-approval`
/// namespace. Always argv, never a shell; the statement goes through standard input.
package struct SSHSignatures: SignatureVerifier {
    /// Why a signature could not be made (exit 2 at `gantry approve`).
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    let keygen: Executable

    package init(keygen: String? = nil) {
        self.keygen = keygen.map { .path(FilePath($0)) } ?? .name("ssh-keygen")
    }

    /// The armored signature of `message` by the private key at `key` (or the agent's key
    /// for a `.pub` file).
    package func sign(_ message: String, key: String) async throws(Failure) -> String {
        guard FileManager.default.isReadableFile(atPath: key) else { throw Failure(description: "cannot read the key \(key)") }
        let ran = await run(["-Y", "sign", "-f", key, "-n", ApprovalStatement.namespace], input: message)
        switch ran {
        case .failure(let why):
            throw Failure(description: "cannot run ssh-keygen: \(why)")
        case .success(let (status, output, errors)):
            guard status.isSuccess, output.contains("-----BEGIN SSH SIGNATURE-----") else {
                throw Failure(description: "ssh-keygen could not sign with \(key) (\(status)): \(Self.said(errors))")
            }
            return output
        }
    }

    package func verify(message: String, signature: String, allowedSigners: String) async -> SignatureCheck {
        guard FileManager.default.isReadableFile(atPath: allowedSigners) else { return .invalid("cannot read \(allowedSigners)") }
        let directory = PathText.join(NSTemporaryDirectory(), "gantry-signature-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = PathText.join(directory, "approval.sig")
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            return .invalid("cannot write the signature under \(directory): \(error.localizedDescription)")
        }
        guard FileManager.default.createFile(atPath: file, contents: Data(signature.utf8), attributes: [.posixPermissions: 0o600]) else {
            return .invalid("cannot write the signature under \(directory)")
        }
        // Whose key made it, by the allowed signers file; then whether it is good for them.
        let (found, output, errors): (TerminationStatus, String, String)
        switch await run(["-Y", "find-principals", "-s", file, "-f", allowedSigners], input: nil) {
        case .success(let ran): (found, output, errors) = ran
        case .failure(let error): return .invalid("cannot run ssh-keygen: \(error)")
        }
        let principals = output.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard found.isSuccess, let principal = principals.first else {
            return .invalid("its key is not in the file (\(Self.said(errors.isEmpty ? output : errors)))")
        }
        let (verified, said, complaint): (TerminationStatus, String, String)
        switch await run(["-Y", "verify", "-f", allowedSigners, "-I", principal, "-n", ApprovalStatement.namespace, "-s", file], input: message) {
        case .success(let ran): (verified, said, complaint) = ran
        case .failure(let error): return .invalid("cannot run ssh-keygen: \(error)")
        }
        guard verified.isSuccess else { return .invalid(Self.said(complaint.isEmpty ? said : complaint)) }
        return .valid(principals: principals)
    }

    private func run(_ arguments: [String], input: String?) async -> Result<(TerminationStatus, String, String), any Error> {
        do {
            let result = if let input {
                try await Subprocess.run(
                    keygen, arguments: Arguments(arguments), input: .string(input),
                    output: .string(limit: 64 * 1024), error: .string(limit: 64 * 1024)
                )
            } else {
                try await Subprocess.run(
                    keygen, arguments: Arguments(arguments), input: .none,
                    output: .string(limit: 64 * 1024), error: .string(limit: 64 * 1024)
                )
            }
            return .success((result.terminationStatus, result.standardOutput, result.standardError))
        } catch {
            return .failure(error)
        }
    }

    /// ssh-keygen's own words, less its chatter about standard input.
    private static func said(_ text: String) -> String {
        let lines = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.hasPrefix("Signing data on standard input") && !$0.isEmpty }
        return lines.isEmpty ? "no message" : lines.joined(separator: "; ")
    }
}
