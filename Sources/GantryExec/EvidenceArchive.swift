package import Foundation
import Crypto
import GantryCore
import Subprocess
import SystemPackage

/// Writes a diagnosis's evidence as a `.tar.gz`: the given files plus `SHA256SUMS` (in
/// `sha256sum -c` format), packed by the system's `tar` (argv, no shell) from a private
/// temporary directory that is removed afterwards.
package enum EvidenceArchive {
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    /// The SHA-256 of `data`, in lower-case hex.
    package static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// `sha256sum` lines for the files, in the order given.
    static func manifest(_ files: [(name: String, data: Data)]) -> String {
        files.map { "\(sha256($0.data))  \($0.name)\n" }.joined()
    }

    package static func write(_ files: [(name: String, data: Data)], to path: String, tar: String = "/usr/bin/tar") async throws(Failure) {
        let manager = FileManager.default
        let staging = PathText.join(NSTemporaryDirectory(), "gantry-evidence-\(UUID().uuidString)")
        let root = PathText.join(staging, "evidence")
        defer { try? manager.removeItem(atPath: staging) }
        do {
            try manager.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            for file in files + [(name: "SHA256SUMS", data: Data(manifest(files).utf8))] {
                guard !file.name.contains("/"), !file.name.hasPrefix(".") else { throw Failure(description: "bad bundle member name \(file.name)") }
                guard manager.createFile(atPath: PathText.join(root, file.name), contents: file.data, attributes: [.posixPermissions: 0o600]) else {
                    throw Failure(description: "cannot write \(file.name) under \(root)")
                }
            }
        } catch let error as Failure {
            throw error
        } catch {
            throw Failure(description: "cannot prepare the bundle in \(staging): \(error.localizedDescription)")
        }
        let outcome: Result<(TerminationStatus, String), any Error>
        do {
            let result = try await Subprocess.run(
                .path(FilePath(tar)), arguments: ["-czf", path, "-C", staging, "evidence"],
                output: .discarded, error: .string(limit: 64 * 1024)
            )
            outcome = .success((result.terminationStatus, result.standardError))
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .failure(let error):
            throw Failure(description: "cannot run \(tar): \(error)")
        case .success(let (status, errors)):
            guard status.isSuccess else { throw Failure(description: "\(tar) could not write \(path) (\(status)): \(errors.trimmingCharacters(in: .whitespacesAndNewlines))") }
        }
    }
}
