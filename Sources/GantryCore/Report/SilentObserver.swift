/// An observer that drops everything, for callers that only want the result.
package struct SilentObserver: DeploymentObserver {
    init() {}
    package func observe(_ event: ProgressEvent) async {}
}
