import ArgumentParser
import GantryCore

extension EnvironmentName {
    /// An environment named on the command line, as argument-parser reads it
    /// (`@Argument(transform:)`): a name no config can define is a usage error (exit 2) before
    /// any file is read; whether the config defines it is the command's to say.
    static func argument(_ text: String) throws(ValidationError) -> String {
        guard isValid(text) else { throw ValidationError("'\(text)' is not a valid environment name: \(rule)") }
        return text
    }
}
