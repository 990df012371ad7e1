import Foundation
import Testing

/// Runs the built `gantry` executable the way a user does: in a directory, with an
/// environment, capturing exit status and output. `scripts/test` sets `GANTRY_BIN`; without
/// it the debug build in this package's `.build` is used.
struct GantryBinary {
    static var path: String {
        if let path = ProcessInfo.processInfo.environment["GANTRY_BIN"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/gantry").path
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var output: String { stdout + stderr }
    }

    /// A running gantry, for tests that signal it.
    final class Running: @unchecked Sendable {
        let process: Process
        let stdout: Pipe
        let stderr: Pipe

        init(process: Process, stdout: Pipe, stderr: Pipe) {
            self.process = process
            self.stdout = stdout
            self.stderr = stderr
        }

        func wait() -> Result {
            let out = stdout.fileHandleForReading.readDataToEndOfFile()
            let err = stderr.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Result(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
        }
    }

    /// - Parameter wrapper: an argv that runs gantry (appended with its arguments), such as
    ///   a new namespace for a simulated host.
    static func start(_ arguments: [String], in directory: URL, environment: [String: String] = [:], wrapper: [String] = []) throws -> Running {
        let process = Process()
        if let program = wrapper.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(wrapper.dropFirst()) + [path] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
        }
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("GITHUB_") || key.hasPrefix("GANTRY_") || key == "RUNNER_NAME" { env[key] = nil }
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return Running(process: process, stdout: stdout, stderr: stderr)
    }

    static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> Result {
        try start(arguments, in: directory, environment: environment).wait()
    }
}

/// A temporary project directory with a gantry.yml, removed when the test ends.
final class Project: @unchecked Sendable {
    let directory: URL

    init(config: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-it-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try write("gantry.yml", config)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    func write(_ name: String, _ text: String, executable: Bool = false) throws {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path) }
    }

    func read(_ name: String) -> String? {
        try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    func exists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path)
    }

    /// Every byte of the state database and its WAL (and, with `index`, the shared-memory
    /// index that readers also touch), for "nothing changed" and "the secret is nowhere".
    func stateBytes(index: Bool = false) -> Data {
        var data = Data()
        for name in [".gantry/state.db", ".gantry/state.db-wal"] + (index ? [".gantry/state.db-shm"] : []) {
            if let chunk = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) { data.append(chunk) }
        }
        return data
    }

    func gantry(_ arguments: String..., environment: [String: String] = [:]) throws -> GantryBinary.Result {
        try GantryBinary.run(arguments, in: directory, environment: environment)
    }

    func json(_ arguments: String..., environment: [String: String] = [:]) throws -> [String: Any] {
        let result = try GantryBinary.run(arguments + ["--json"], in: directory, environment: environment)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        return object as? [String: Any] ?? [:]
    }
}

/// A config whose deploy command is `script` run by /bin/sh (as an argv, not a shell line).
func shellConfig(_ script: String, timeout: String = "30s", grace: String = "1s", extra: String = "", secrets: Bool = false) -> String {
    """
    version: 1
    environments:
      production:
        targets: [127.0.0.1]
        secrets: [\(secrets ? "DEPLOY_TOKEN" : "")]
    \(extra)
        deploy:
          command: [/bin/sh, -c, \(jsonString(script)), deploy, "{release}"]
          timeout: \(timeout)
          grace: \(grace)
    """
}

func jsonString(_ text: String) -> String {
    let data = try! JSONSerialization.data(withJSONObject: [text])
    let array = String(decoding: data, as: UTF8.self)
    return String(array.dropFirst().dropLast())
}
