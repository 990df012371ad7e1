package import GantryCore
import Foundation

extension Origin {
    /// Who is deploying from this process: this host and process, `runner`, and the CI run
    /// and actor when `processEnvironment` names them (GitHub Actions' variables, else `USER`).
    package static func here(runner: String?, processEnvironment: [String: String]) -> Origin {
        var runURL: String?
        if let server = processEnvironment["GITHUB_SERVER_URL"], let repository = processEnvironment["GITHUB_REPOSITORY"],
           let run = processEnvironment["GITHUB_RUN_ID"] {
            runURL = "\(server)/\(repository)/actions/runs/\(run)"
        }
        return Origin(
            host: ProcessInfoHost.name, pid: ProcessInfo.processInfo.processIdentifier, runner: runner,
            actor: processEnvironment["GITHUB_ACTOR"] ?? processEnvironment["USER"], runURL: runURL,
            commit: processEnvironment["GITHUB_SHA"], process: LocalIdentity.current
        )
    }
}
