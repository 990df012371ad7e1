import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A Python with `standardwebhooks` (the Standard Webhooks spec's reference library),
/// installed by scripts/test (under CI=true it must be there).
enum StandardWebhooksPython {
    static var path: String? { ProcessInfo.processInfo.environment["GANTRY_TEST_STANDARDWEBHOOKS_PYTHON"] }
    static var available: Bool { path != nil || ProcessInfo.processInfo.environment["CI"] == "true" }

    /// `Tests/webhooks/verify_standard_webhook.py`: receives one POST, verifies it with the
    /// library, prints `verified <webhook-id>` or `rejected: <reason>`.
    static var receiverScript: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("webhooks/verify_standard_webhook.py").path
    }
}

/// The reference receiver, running: its port, and its verdict once it has had its request.
final class StandardWebhookReceiver: @unchecked Sendable {
    let process: Process
    let port: Int
    private let stdout: Pipe
    /// What it printed before its port was read.
    private let firstLines: String

    /// Starts the receiver with `secret` in its environment (never on its command line).
    init(python: String, secret: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [StandardWebhooksPython.receiverScript, "--port", "0", "--secret-env", "WEBHOOK_SECRET", "--timeout", "60"]
        var environment = ProcessInfo.processInfo.environment
        environment["WEBHOOK_SECRET"] = secret
        process.environment = environment
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // `listening 127.0.0.1:<port>`: blocks until the line (or the end, if it died).
        var received = Data()
        while !received.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            received.append(chunk)
        }
        let printed = String(decoding: received, as: UTF8.self)
        let line = printed.split(separator: "\n").first.map(String.init) ?? ""
        guard line.hasPrefix("listening 127.0.0.1:"), let port = Int(line.dropFirst("listening 127.0.0.1:".count)) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw ReceiverError.didNotStart(printed)
        }
        self.process = process
        self.stdout = stdout
        self.firstLines = printed
        self.port = port
    }

    /// Waits (up to `timeout`) for the receiver to judge its one request and exit; its last
    /// line, `verified <webhook-id>` or `rejected: <reason>`, and its exit status.
    func verdict(timeout: TimeInterval = 30) -> (line: String, status: Int32) {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return ("no verdict within \(Int(timeout)) s", -1)
        }
        let rest = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let lines = (firstLines + rest).split(separator: "\n").map(String.init)
        return (lines.last ?? "", process.terminationStatus)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    enum ReceiverError: Error {
        case didNotStart(String)
    }
}

/// `signature: standard` judged by the spec's own library, in a separate process, after a
/// real `gantry deploy`: the id, timestamp and signature gantry sends are what a receiver
/// written against Standard Webhooks accepts, and a receiver with another secret refuses it.
@Suite("notifications: Standard Webhooks, verified by the reference library", .serialized)
struct StandardWebhookTests {
    /// Two Standard Webhooks secrets: `whsec_` and the base64 of 24 bytes of key. The first is
    /// the spec's example.
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let otherSecret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"

    func receiverPython() throws -> String {
        try #require(StandardWebhooksPython.path, "GANTRY_TEST_STANDARDWEBHOOKS_PYTHON is not set: scripts/test installs standardwebhooks from PyPI")
    }

    func config(port: Int) -> String {
        """
        version: 1
        environments:
          production:
            deploy: { command: [/bin/sh, -c, 'echo "$0" > live.txt', "{release}"] }
            notify: [ { webhook: { url: "http://127.0.0.1:\(port)/standard", on: [succeeded], secret_env: WEBHOOK_SECRET, signature: standard } } ]
        """
    }

    @Test(
        "a deploy's webhook with signature: standard is verified by standardwebhooks' Webhook(secret).verify; a receiver with another secret rejects it",
        .enabled(if: StandardWebhooksPython.available, "GANTRY_TEST_STANDARDWEBHOOKS_PYTHON is not set: scripts/test installs standardwebhooks from PyPI")
    )
    func verifiedByReferenceLibrary() throws {
        let python = try receiverPython()
        let project = try Project(config: "version: 1\n")
        let receiver = try StandardWebhookReceiver(python: python, secret: Self.secret)
        try project.write("gantry.yml", config(port: receiver.port))
        let environment = ["WEBHOOK_SECRET": Self.secret]
        let deployed = try project.gantry("deploy", "production", "--release", "1.0", environment: environment)
        #expect(deployed.status == 0, "\(deployed.output)")
        #expect(!deployed.output.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        let verdict = receiver.verdict()
        let id = try #require((try project.json("history", "production", environment: environment)["deployments"] as? [[String: Any]])?.first?["id"] as? String)
        // The webhook-id is the outbox item's key: the deployment, the event and the webhook.
        #expect(verdict.line.hasPrefix("verified \(id)/succeeded/"), "\(verdict.line)")
        #expect(verdict.status == 0, "\(verdict.line)")

        // The same delivery to a receiver that holds another secret: rejected, so the
        // verification above proves the signature, not a lenient receiver.
        let stranger = try StandardWebhookReceiver(python: python, secret: Self.otherSecret)
        try project.write("gantry.yml", config(port: stranger.port))
        let again = try project.gantry("deploy", "production", "--release", "2.0", environment: environment)
        #expect(again.status == 0, "\(again.output)")
        let refused = stranger.verdict()
        #expect(refused.line.hasPrefix("rejected: "), "\(refused.line)")
        #expect(refused.status == 1, "\(refused.line)")
    }

    @Test("signature without secret_env is a configuration error (exit 2) with file, line and key path")
    func needsSecretEnv() throws {
        let project = try Project(config: """
            version: 1
            environments:
              production:
                deploy: { command: ["true"] }
                notify:
                  - webhook: { url: "http://127.0.0.1:9/hook", signature: standard }
            """)
        let result = try project.gantry("validate")
        #expect(result.status == 2, "\(result.output)")
        #expect(result.output.contains("gantry.yml:6:"), "\(result.output)")
        #expect(result.output.contains("environments.production.notify[0].webhook.signature: signature: standard needs secret_env"), "\(result.output)")
    }

    @Test("a signature: standard secret that is not whsec_ and base64 refuses the deploy at preflight (exit 3), naming the variable and never the value")
    func malformedSecretRefused() throws {
        let project = try Project(config: """
            version: 1
            environments:
              production:
                deploy: { command: [/bin/sh, -c, "echo run >> runs.log"] }
                notify: [ { webhook: { url: "http://127.0.0.1:9/hook", secret_env: WEBHOOK_SECRET, signature: standard } } ]
            """)
        let environment = ["WEBHOOK_SECRET": "plain-s3cret-not-whsec"]
        let preflight = try project.gantry("preflight", "production", environment: environment)
        #expect(preflight.status == 3, "\(preflight.output)")
        #expect(preflight.stdout.contains("WEBHOOK_SECRET (secret_env) does not start with whsec_"), "\(preflight.output)")
        let deploy = try project.gantry("deploy", "production", "--release", "1.0", environment: environment)
        #expect(deploy.status == 3, "\(deploy.output)")
        #expect(deploy.output.contains("WEBHOOK_SECRET"), "\(deploy.output)")
        #expect(!project.exists("runs.log"), "nothing ran")
        #expect(!preflight.output.contains("plain-s3cret-not-whsec") && !deploy.output.contains("plain-s3cret-not-whsec"))
        #expect(try project.gantry("preflight", "production", environment: ["WEBHOOK_SECRET": Self.secret]).status == 0)
    }
}
