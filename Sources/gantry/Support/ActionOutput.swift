import Foundation
import GantryCore
import GantryTerminal

enum ActionOutput {
    /// Prints `message`, or the JSON document of the action and the status it left.
    static func report(
        _ action: String, environment: String, message: String, deploymentID: DeploymentID? = nil, json: Bool, store: any StateStore
    ) async throws {
        guard json else {
            Console.write(message + "\n", to: STDOUT_FILENO)
            return
        }
        let now = Date()
        let status: EnvironmentStatus
        do {
            status = try await EnvironmentStatus.read(environment, store: store, now: now, recent: 1, rollouts: true)
        } catch {
            throw Failure.store(error)
        }
        JSONOutput.print(ActionResultView(
            environment: environment, action: action, message: message, deploymentId: deploymentID?.rawValue,
            status: EnvironmentStatusDocument(status, at: now)
        ))
    }
}
