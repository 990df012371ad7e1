/// A delivery loop running beside a deployment.
package struct BackgroundDelivery: Sendable {
    package let stop: StopFlag
    let task: Task<Void, Never>

    /// Ends the loop after the round in flight.
    package func finish() async {
        await stop.set()
        await task.value
    }
}
