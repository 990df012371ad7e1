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
