/// Whether the deploy and rollback programs can be started on this runner. A deploy whose
/// `./scripts/deploy.sh` is not checked out here used to pass validate and preflight and end
/// refused when the command failed to start; now `gantry validate` warns of it and preflight
/// refuses (exit 3) before anything else happens.
///
/// A program named by a path (it has a `/`) is looked for relative to the config's
/// directory, where commands run; a bare name on PATH. A script run through `shell: true`,
/// or a program spelled with a placeholder or `${VAR}`, is known only when it runs.
package enum ProgramCheck {
    /// One program's verdict.
    package struct Verdict: Sendable, Hashable {
        /// `deploy` or `rollback`.
        package var role: String
        package var program: String
        package var found: String?
        package var message: String
    }

    /// - Parameter path: the PATH programs are looked for on, unless a command's own `env:`
    ///   sets one (its `${VAR}` read from `processEnvironment`), which the command runs with.
    package static func verdicts(
        _ environment: EnvironmentConfig, directory: String, path: String, processEnvironment: [String: String] = [:],
        find: (_ name: String, _ path: String) -> String?
    ) -> [Verdict] {
        var commands = [("deploy", environment.deploy)]
        if let rollback = environment.rollback { commands.append(("rollback", rollback)) }
        return commands.compactMap { role, command -> Verdict? in
            guard !command.shell, let program = command.argv.first, !program.isEmpty, !program.contains("{"), !program.contains("$") else { return nil }
            let path = command.environment["PATH"].map { (try? Interpolation.expand($0, environment: processEnvironment)) ?? $0 } ?? path
            if program.contains("/") {
                let absolute = program.hasPrefix("/") ? program : PathText.join(directory, program)
                let found = find(absolute, path)
                let message = found != nil
                    ? "the \(role) program \(program) is there"
                    : "the \(role) program \(program) does not exist or is not executable (looked at \(absolute))"
                return Verdict(role: role, program: program, found: found, message: message)
            }
            let found = find(program, path)
            let message = found.map { "the \(role) program \(program) is \($0)" } ?? "the \(role) program \(program) is not on PATH"
            return Verdict(role: role, program: program, found: found, message: message)
        }
    }
}
