/// Values a command's placeholders stand for.
package struct PlaceholderValues: Sendable, Hashable {
    package var release: String
    package var environment: String
    /// The inventory path, resolved against the config directory; empty when none.
    package var inventory: String
    package var deploymentID: String
    package var targets: [String]

    package init(release: String, environment: String, inventory: String, deploymentID: String, targets: [String]) {
        self.release = release
        self.environment = environment
        self.inventory = inventory
        self.deploymentID = deploymentID
        self.targets = targets
    }

    var table: [(String, String)] {
        [
            ("{release}", release), ("{environment}", environment), ("{inventory}", inventory),
            ("{deployment_id}", deploymentID), ("{targets}", targets.joined(separator: ",")),
        ]
    }

    /// `GANTRY_*` variables every command receives.
    package var environmentVariables: [String: String] {
        [
            "GANTRY_ENVIRONMENT": environment, "GANTRY_RELEASE": release, "GANTRY_DEPLOYMENT_ID": deploymentID,
            "GANTRY_TARGETS": targets.joined(separator: ","), "GANTRY_INVENTORY": inventory,
        ]
    }
}

/// Turns a configured command into an invocation.
///
/// Placeholders are substituted inside each argument, never by building a shell line; with
/// `shell: true` each placeholder value is shell-quoted and each `${VAR}` is left for the
/// shell to expand from the environment, so no value can ever become syntax.
package enum CommandResolver {
    package static func resolve(
        _ command: CommandConfig, values: PlaceholderValues, directory: String,
        processEnvironment: [String: String], masker: SecretMasker
    ) throws(Interpolation.MissingVariable) -> CommandInvocation {
        var argv: [String] = []
        if command.shell {
            let script = try Interpolation.shellScript(substitute(command.argv[0], values, quote: true), environment: processEnvironment)
            argv = ["/bin/sh", "-c", script]
        } else {
            for argument in command.argv {
                argv.append(try Interpolation.expand(substitute(argument, values, quote: false), environment: processEnvironment))
            }
            argv[0] = resolveProgram(argv[0], directory: directory)
        }
        var environment = values.environmentVariables
        for (name, value) in command.environment {
            environment[name] = try Interpolation.expand(substitute(value, values, quote: false), environment: processEnvironment)
        }
        return CommandInvocation(
            argv: argv, display: argv.map(masker.mask), environment: environment,
            workingDirectory: directory, timeout: command.timeout, grace: command.grace
        )
    }

    static func substitute(_ text: String, _ values: PlaceholderValues, quote: Bool) -> String {
        var result = text
        for (placeholder, value) in values.table where result.contains(placeholder) {
            result = result.replacingAll(placeholder, with: quote ? shellQuote(value) : value)
        }
        return result
    }

    /// A relative program path (`./deploy.sh`, `bin/deploy`) resolves against the config
    /// directory; a bare name is looked up on PATH.
    static func resolveProgram(_ program: String, directory: String) -> String {
        guard program.contains("/"), !program.hasPrefix("/") else { return program }
        return PathText.join(directory, program)
    }

    /// `value` as one word for `/bin/sh`.
    package static func shellQuote(_ value: String) -> String {
        "'" + value.replacingAll("'", with: "'\\''") + "'"
    }
}
