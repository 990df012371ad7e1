import Foundation
import GantryCore
import GantryStore
import GantryTerminal

/// A failure the CLI reports and exits on. Each kind maps to one exit code here, in one
/// place, so every command agrees on what 2, 3 and 4 mean.
struct Failure: Error {
    enum Kind {
        /// Bad input: flags, config, release string, unknown environment, unusable state.
        case usage
        /// Refused before any change.
        case refused
        /// A check or a command finished badly and said so itself.
        case failed(Int32)
    }

    var kind: Kind
    var message: String
    /// The configuration's problems, one by one, when that is what failed.
    var issues: [ConfigIssue] = []

    static func usage(_ message: String) -> Failure { Failure(kind: .usage, message: message) }
    static func refused(_ message: String) -> Failure { Failure(kind: .refused, message: message) }

    static func config(_ error: ConfigError) -> Failure { Failure(kind: .usage, message: error.description, issues: error.issues) }

    static func store(_ error: StoreError) -> Failure {
        switch error.code {
        case .busy: return .refused("state store busy: \(error)")
        case .staleToken:
            return Failure(kind: .failed(ExitStatus.needsPerson), message: "this deployment lost its lease while it was stopped or cut off: \(error); another deployment has taken over the environment and recovered it; see 'gantry status' and 'gantry history'")
        default: return .usage("state store: \(error)")
        }
    }

    /// The store failed after a deploy or rollback command had started: production may be
    /// changed and the record is incomplete, so this is never "usage" or "nothing changed".
    /// Exit 1 only when a rollback had been verified; otherwise a person is needed (4).
    static func storeAfterChange(_ error: StoreError, restored: Bool, environment: String) -> Failure {
        if error.code == .staleToken { return store(error) }
        let state = restored ? "production was rolled back and verified, but" : "production may be partly changed and"
        return Failure(
            kind: .failed(restored ? ExitStatus.restored : ExitStatus.needsPerson),
            message: "state store failed during the deployment: \(error); \(state) the outcome could not be recorded; 'gantry recover \(environment)' finishes the record from the journal once the store answers"
        )
    }

    var exitCode: Int32 {
        switch kind {
        case .usage: ExitStatus.usage
        case .refused: ExitStatus.refused
        case .failed(let code): code
        }
    }

    func report() {
        guard !message.isEmpty else { return }
        var text = "gantry: error: \(message)\n"
        if ProcessInfo.processInfo.environment["GITHUB_ACTIONS"] == "true" {
            text = GitHubActions.error(message, title: "gantry") + text
        }
        Console.write(text, to: STDERR_FILENO)
    }
}
