import Foundation
import GantryCore
import GantryExec
import Testing

/// Where the suite finds ssh-keygen, and whether it runs.
enum SSHKeygen {
    static let path = "/usr/bin/ssh-keygen"
    static var installed: Bool { FileManager.default.isExecutableFile(atPath: path) }
    static var available: Bool { installed || ProcessInfo.processInfo.environment["CI"] == "true" }
}

/// `gantry approve`'s signatures and a deploy's check of them, with OpenSSH's own
/// `ssh-keygen -Y`: ed25519 keys made for each test, and an allowed_signers file that names
/// alice and bob but not eve. Only a signature by a listed key, over these very bytes, in
/// gantry's namespace, verifies. Without /usr/bin/ssh-keygen the suite is skipped, except
/// under `CI=true`, where it runs and fails: a missing tool must never pass silently.
@Suite("approvals: SSH signatures with the real ssh-keygen", .enabled(if: SSHKeygen.available))
struct SSHSignaturesTests {
    static let keygen = SSHKeygen.path
    static var installed: Bool { SSHKeygen.installed }

    let signatures = SSHSignatures(keygen: SSHSignaturesTests.keygen)
    let signed = ApprovalStatement(
        environment: "production", release: "2.4.1", config: "sha256:" + String(repeating: "1a2b", count: 16),
        signedAt: Date(timeIntervalSince1970: 1_800_000_000), comment: "staging soaked 2h"
    )
    var statement: String { signed.text }

    /// A directory of keys (`alice`, `bob`, `eve` and their `.pub`) and `allowed_signers`.
    struct Keys {
        let directory: URL

        func key(_ name: String) -> String { directory.appendingPathComponent(name).path }
        var allowedSigners: String { directory.appendingPathComponent("allowed_signers").path }
        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    /// What ssh-keygen said and how it ended.
    struct Ran {
        let status: Int32
        let output: String
        let errors: String
    }

    /// Runs ssh-keygen with `arguments` (argv, no shell), `input` on its standard input.
    static func run(_ arguments: [String], input: String? = nil) throws -> Ran {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: keygen)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        let standardInput = Pipe()
        process.standardOutput = output
        process.standardError = errors
        if input == nil {
            process.standardInput = FileHandle.nullDevice
        } else {
            process.standardInput = standardInput
        }
        try process.run()
        if let input {
            standardInput.fileHandleForWriting.write(Data(input.utf8))
            try standardInput.fileHandleForWriting.close()
        }
        let said = output.fileHandleForReading.readDataToEndOfFile()
        let complained = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Ran(status: process.terminationStatus, output: String(decoding: said, as: UTF8.self), errors: String(decoding: complained, as: UTF8.self))
    }

    /// Fresh keys for alice, bob and eve; allowed_signers lists alice and bob with two
    /// principals each, as `alice,alice@example.com ssh-ed25519 AAAA…`.
    func makeKeys() throws -> Keys {
        try #require(Self.installed, "\(Self.keygen) is not installed (Debian package openssh-client): run the tests with scripts/test")
        let keys = Keys(directory: FileManager.default.temporaryDirectory.appendingPathComponent("gantry-approvals-\(UUID().uuidString)"))
        try FileManager.default.createDirectory(at: keys.directory, withIntermediateDirectories: true)
        do {
            let people: [(name: String, principals: String?)] = [("alice", "alice,alice@example.com"), ("bob", "bob,bob@example.com"), ("eve", nil)]
            var lines: [String] = []
            for person in people {
                let made = try Self.run(["-q", "-t", "ed25519", "-N", "", "-f", keys.key(person.name), "-C", person.name])
                try #require(made.status == 0, "ssh-keygen could not make \(person.name)'s key: \(made.errors)")
                guard let principals = person.principals else { continue }
                let fields = try String(contentsOfFile: keys.key(person.name) + ".pub", encoding: .utf8).split(separator: " ")
                try #require(fields.count >= 2, "\(person.name).pub: \(fields)")
                lines.append("\(principals) \(fields[0]) \(fields[1])")
            }
            try (lines.joined(separator: "\n") + "\n").write(toFile: keys.allowedSigners, atomically: true, encoding: .utf8)
        } catch {
            keys.remove()
            throw error
        }
        return keys
    }

    /// Why the check failed; nil when the signature verified.
    func failure(_ check: SignatureCheck) -> String? {
        guard case .invalid(let why) = check else { return nil }
        return why
    }

    @Test("a listed key's signature over the statement verifies, for the principals allowed_signers gives it")
    func validSignature() async throws {
        let keys = try makeKeys()
        defer { keys.remove() }
        let signature = try await signatures.sign(statement, key: keys.key("alice"))
        #expect(signature.contains("-----BEGIN SSH SIGNATURE-----"))
        #expect(signature.contains("-----END SSH SIGNATURE-----"))
        let check = await signatures.verify(message: statement, signature: signature, allowedSigners: keys.allowedSigners)
        #expect(check == .valid(principals: ["alice", "alice@example.com"]))
        // Each key is its own person.
        let bobs = try await signatures.sign(statement, key: keys.key("bob"))
        #expect(await signatures.verify(message: statement, signature: bobs, allowedSigners: keys.allowedSigners) == .valid(principals: ["bob", "bob@example.com"]))
    }

    @Test("a signature by a key that allowed_signers does not list is invalid, saying so")
    func unlistedKey() async throws {
        let keys = try makeKeys()
        defer { keys.remove() }
        let signature = try await signatures.sign(statement, key: keys.key("eve"))
        let check = await signatures.verify(message: statement, signature: signature, allowedSigners: keys.allowedSigners)
        let why = try #require(failure(check), "eve's signature verified: \(check)")
        #expect(why.contains("its key is not in the file"), "\(why)")
    }

    @Test("a signature over another statement does not verify this one: a tampered statement is invalid")
    func tamperedStatement() async throws {
        let keys = try makeKeys()
        defer { keys.remove() }
        let signature = try await signatures.sign(statement, key: keys.key("alice"))
        var tampered = signed
        tampered.release = "2.4.2"
        let check = await signatures.verify(message: tampered.text, signature: signature, allowedSigners: keys.allowedSigners)
        let why = try #require(failure(check), "a tampered statement verified: \(check)")
        // The key is alice's, listed: what fails is the signature over these bytes.
        #expect(!why.contains("not in the file"), "\(why)")
        // One byte more is enough.
        let spaced = await signatures.verify(message: statement + " ", signature: signature, allowedSigners: keys.allowedSigners)
        #expect(failure(spaced) != nil, "\(spaced)")
    }

    @Test("a forged signature, alice's armor with its signature bytes altered, is invalid")
    func forgedSignature() async throws {
        let keys = try makeKeys()
        defer { keys.remove() }
        let signature = try await signatures.sign(statement, key: keys.key("alice"))
        var lines = signature.components(separatedBy: "\n")
        let end = try #require(lines.firstIndex { $0.hasPrefix("-----END SSH SIGNATURE-----") })
        let begin = try #require(lines.firstIndex { $0.hasPrefix("-----BEGIN SSH SIGNATURE-----") })
        // The last line of the base64 body holds the end of the ed25519 signature itself.
        let body = end - 1
        try #require(body > begin)
        var characters = Array(lines[body])
        let middle = characters.count / 2
        try #require(characters[middle] != "=")
        characters[middle] = characters[middle] == "A" ? "B" : "A"
        lines[body] = String(characters)
        let forged = lines.joined(separator: "\n")
        #expect(forged != signature)
        #expect(forged.components(separatedBy: "\n").first == "-----BEGIN SSH SIGNATURE-----")
        let check = await signatures.verify(message: statement, signature: forged, allowedSigners: keys.allowedSigners)
        let why = try #require(failure(check), "a forged signature verified: \(check)")
        // It still names alice's key; its signature over the statement is what fails.
        #expect(!why.contains("not in the file"), "\(why)")
    }

    @Test("a signature made for another namespace (a git commit's) does not verify as an approval")
    func anotherNamespace() async throws {
        let keys = try makeKeys()
        defer { keys.remove() }
        let git = try Self.run(["-Y", "sign", "-f", keys.key("alice"), "-n", "git"], input: statement)
        try #require(git.status == 0, "ssh-keygen -Y sign -n git: \(git.errors)")
        #expect(git.output.contains("-----BEGIN SSH SIGNATURE-----"))
        let check = await signatures.verify(message: statement, signature: git.output, allowedSigners: keys.allowedSigners)
        #expect(failure(check) != nil, "a git signature verified as an approval: \(check)")
        // The same key over the same bytes in gantry's namespace verifies: only the namespace differs.
        let gantry = try Self.run(["-Y", "sign", "-f", keys.key("alice"), "-n", ApprovalStatement.namespace], input: statement)
        try #require(gantry.status == 0, "ssh-keygen -Y sign -n \(ApprovalStatement.namespace): \(gantry.errors)")
        #expect(await signatures.verify(message: statement, signature: gantry.output, allowedSigners: keys.allowedSigners) == .valid(principals: ["alice", "alice@example.com"]))
    }

    @Test("an allowed_signers file that cannot be read makes every signature invalid, saying so")
    func unreadableAllowedSigners() async throws {
        let keys = try makeKeys()
        defer { keys.remove() }
        let signature = try await signatures.sign(statement, key: keys.key("alice"))
        let missing = keys.directory.appendingPathComponent("no_such_allowed_signers").path
        let check = await signatures.verify(message: statement, signature: signature, allowedSigners: missing)
        let why = try #require(failure(check), "verified against a file that does not exist: \(check)")
        #expect(why.contains("cannot read"), "\(why)")
        #expect(why.contains(missing), "\(why)")
    }

    @Test("signing with a key that does not exist fails, naming it")
    func missingKey() async {
        let key = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-no-such-key-\(UUID().uuidString)").path
        let error = await #expect(throws: SSHSignatures.Failure.self) { try await signatures.sign(statement, key: key) }
        #expect(error?.description.contains("cannot read the key") == true, "\(String(describing: error))")
        #expect(error?.description.contains(key) == true, "\(String(describing: error))")
    }
}
