import Foundation
import Testing

@Suite("bad input gets a clear error, exit 2, and changes nothing", .serialized)
struct BadInputTests {
    let valid = shellConfig("echo run >> runs.log")

    @Test("a missing config says how to make one")
    func missingConfig() throws {
        let project = try Project(config: "")
        try FileManager.default.removeItem(at: project.directory.appendingPathComponent("gantry.yml"))
        let result = try project.gantry("deploy", "production", "--release", "1.0")
        #expect(result.status == 2)
        #expect(result.stderr.contains("gantry init"))
        #expect(!project.exists(".gantry"))
    }

    @Test("a release outside the allowed pattern is refused before anything happens", arguments: ["1.0;rm -rf /", "$(id)", "../x", "-f"])
    func badRelease(release: String) throws {
        let project = try Project(config: valid)
        let result = try GantryBinary.run(["deploy", "production", "--release=\(release)"], in: project.directory)
        #expect(result.status == 2, "\(result.output)")
        #expect(result.stderr.contains("is not a valid release"))
        #expect(!project.exists(".gantry"))
        #expect(!project.exists("runs.log"))
    }

    @Test("an unknown environment lists the defined ones")
    func unknownEnvironment() throws {
        let project = try Project(config: valid)
        let result = try project.gantry("deploy", "prod", "--release", "1.0")
        #expect(result.status == 2)
        #expect(result.stderr.contains("no environment 'prod'"))
        #expect(result.stderr.contains("defined: production"))
    }

    @Test("a name no config can define is refused while the arguments are read, before any file", arguments: [
        ["deploy", "../prod", "--release", "1.0"], ["status", "prod/x"], ["lock", "prod duction"],
    ])
    func invalidEnvironmentName(_ arguments: [String]) throws {
        let project = try Project(config: "version: 1\nenvironments: [not, a, map]\n")
        let result = try GantryBinary.run(arguments, in: project.directory)
        #expect(result.status == 2, "\(result.output)")
        #expect(result.stderr.contains("is not a valid environment name: use letters, digits"), "\(result.stderr)")
        // The config (which does not parse) was not read.
        #expect(!result.stderr.contains("gantry.yml:"), "\(result.stderr)")
        #expect(!project.exists(".gantry"))
    }

    @Test("configuration errors are all listed with file, line, column and key path")
    func configErrors() throws {
        let project = try Project(config: """
            version: 1
            environments:
              production:
                deploy: { command: [], timeout: soon }
                tagets: [a]
            """)
        for command in [["validate"], ["deploy", "production", "--release", "1.0"]] {
            let result = try GantryBinary.run(command, in: project.directory)
            #expect(result.status == 2)
            #expect(result.stderr.contains("gantry.yml:4:"))
            #expect(result.stderr.contains("environments.production.deploy.timeout: 'soon' is not a duration"))
            #expect(result.stderr.contains("environments.production.deploy.command: must not be an empty list"))
            #expect(result.stderr.contains("gantry.yml:5:5: environments.production.tagets: unknown key (did you mean 'targets'?"))
        }
        #expect(!project.exists(".gantry"))
    }

    @Test("a corrupt state database is reported and left as it was")
    func corruptDatabase() throws {
        let project = try Project(config: valid)
        try FileManager.default.createDirectory(at: project.directory.appendingPathComponent(".gantry"), withIntermediateDirectories: true)
        let garbage = String(repeating: "garbage ", count: 512)
        try project.write(".gantry/state.db", garbage)
        for command in [["deploy", "production", "--release", "1.0"], ["status"], ["history", "production"]] {
            let result = try GantryBinary.run(command, in: project.directory)
            #expect(result.status == 2, "\(command) \(result.output)")
            #expect(result.stderr.contains("not a usable gantry state database"))
        }
        #expect(project.read(".gantry/state.db") == garbage)
        #expect(!project.exists("runs.log"))
    }

    @Test("a missing ${VAR} in the deploy command stops before any change")
    func missingVariable() throws {
        let project = try Project(config: """
            version: 1
            environments:
              production:
                deploy: { command: [/bin/echo, "${NOT_SET_ANYWHERE}"] }
            """)
        let result = try project.gantry("deploy", "production", "--release", "1.0")
        #expect(result.status == 2)
        #expect(result.stderr.contains("NOT_SET_ANYWHERE is not set"))
        #expect(!project.exists(".gantry"))
    }

    @Test("a deploy program that does not exist: validate warns, preflight refuses with exit 3 and says where it looked")
    func missingProgram() throws {
        let project = try Project(config: "version: 1\nenvironments:\n  production:\n    deploy: { command: [./nope.sh] }\n    rollback: { command: [no-such-rollback-tool] }\n")
        let validate = try project.gantry("validate")
        #expect(validate.status == 0, "\(validate.output)")
        #expect(validate.stdout.contains("warning: production: the deploy program ./nope.sh does not exist or is not executable (looked at \(project.directory.path)/nope.sh)"), "\(validate.stdout)")
        #expect(validate.stdout.contains("warning: production: the rollback program no-such-rollback-tool is not on PATH"), "\(validate.stdout)")
        let result = try project.json("deploy", "production", "--release", "1.0")
        #expect(result["exit_code"] as? Int == 3, "\(result)")
        #expect(result["reason_code"] as? String == "preflight_tool_missing")
        #expect((result["reason"] as? String)?.contains("./nope.sh does not exist or is not executable") == true, "\(result)")
        try project.write("nope.sh", "#!/bin/sh\necho deployed\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: project.directory.appendingPathComponent("nope.sh").path)
        #expect(try project.gantry("validate").stdout.contains("./nope.sh") == false)
    }

    @Test("bad flags are usage errors with exit 2")
    func badFlags() throws {
        let project = try Project(config: valid)
        #expect(try project.gantry("deploy", "production").status == 2)
        #expect(try project.gantry("history", "production", "--limit", "0").status == 2)
        #expect(try project.gantry("show", "not-an-id!").status == 2)
        #expect(try project.gantry("frobnicate").status == 2)
    }

    @Test("init writes an example that validates, and will not overwrite it")
    func initAndValidate() throws {
        let project = try Project(config: "")
        try FileManager.default.removeItem(at: project.directory.appendingPathComponent("gantry.yml"))
        #expect(try project.gantry("init").status == 0)
        let validation = try project.gantry("validate")
        #expect(validation.status == 0, "\(validation.output)")
        #expect(validation.stdout.contains("is valid"))
        #expect(try project.gantry("init").status == 2)
    }
}

@Suite("a state database held by another process")
struct BusyDatabaseTests {
    @Test("a deploy that cannot get the database's write lock is refused with exit 3, changing nothing")
    func busyDatabase() throws {
        let project = try Project(config: shellConfig("echo run >> runs.log"))
        #expect(try project.gantry("deploy", "production", "--release", "1.0").status == 0)
        let path = project.directory.appendingPathComponent(".gantry/state.db").path
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "-c", """
            import sqlite3, sys, time
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            c.execute("BEGIN IMMEDIATE")
            print("locked", flush=True)
            time.sleep(20)
            """, path]
        let ready = Pipe()
        holder.standardOutput = ready
        try holder.run()
        defer { holder.terminate() }
        _ = ready.fileHandleForReading.availableData
        let result = try project.gantry("deploy", "production", "--release", "2.0")
        #expect(result.status == 3, "\(result.output)")
        #expect(result.stderr.contains("stayed locked by another process"))
        #expect(project.read("runs.log") == "run\n")
    }
}
