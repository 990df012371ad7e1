/// Receives progress as it happens: the terminal, GitHub Actions, or a test.
package protocol DeploymentObserver: Sendable {
    func observe(_ event: ProgressEvent) async
}
