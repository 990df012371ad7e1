import Dispatch
import Foundation
import GantryCore
package import Synchronization
import SystemPackage

/// Turns SIGINT and SIGTERM into the two steps of an interruption, the way CI sends them
/// (GitHub cancels a job with SIGINT, SIGTERM about 7.5 s later, then SIGKILL):
///
/// 1. The first signal cancels the running deployment: the command's process group gets
///    SIGTERM, the grace period, SIGKILL; then the rollback runs per policy, the outcome
///    `interrupted` is recorded and the lease released.
/// 2. A second signal escalates: SIGKILL at once to every running command's group (and its
///    lease guard); the engine starts nothing new, records `interrupted` and releases the
///    lease. If that has not happened within `backstop`, gantry exits anyway; the journal
///    then lets `gantry recover` finish the record.
package final class InterruptionTrap: Sendable {
    private let received = Mutex<[Int32]>([])
    /// Written only by `install`, before any signal can be delivered; kept so the sources live.
    nonisolated(unsafe) private var sources: [any DispatchSourceSignal] = []
    /// How long an escalated gantry may take to record the outcome before it exits anyway.
    static let backstop: Duration = .seconds(2)
    /// Set once the command has returned (its outcome is recorded or reported): the backstop
    /// then has nothing left to save, and says nothing.
    package static let commandEnded = Atomic(false)

    /// The latest signal received, for the exit status.
    package var signal: Int32? { received.withLock { $0.last } }

    package init() {}

    package func install(onInterrupt: @escaping @Sendable () -> Void, onEscalate: @escaping @Sendable () -> Void) {
        for number in [SIGINT, SIGTERM] {
            Foundation.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                // A dispatch source merges signals that arrive together (a double Ctrl-C):
                // its data says how many there were.
                let arrived = max(1, Int(source.data))
                let count = received.withLock { signals -> Int in
                    for _ in 0..<arrived { signals.append(number) }
                    return signals.count
                }
                let before = count - arrived
                if count == 1 {
                    Self.say("gantry: received signal \(number); stopping the deploy command and recording the interruption (a second signal stops everything at once)\n")
                    onInterrupt()
                } else if before < 2 {
                    Self.say("gantry: received signal \(number) again; killing the command's process group and recording the interruption now\n")
                    // Raised before the kill, so the engine never sees a killed command
                    // without knowing it must start nothing new.
                    onInterrupt()
                    onEscalate()
                    ActiveCommands.killAll()
                    DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(Self.backstop.milliseconds))) {
                        guard !InterruptionTrap.commandEnded.load(ordering: .acquiring) else { return }
                        ActiveCommands.killAll()
                        Self.say("gantry: the outcome could not be recorded within \(Self.backstop); exiting; 'gantry recover' finishes the record from the journal\n")
                        exit(128 + number)
                    }
                } else {
                    ActiveCommands.killAll()
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// A line on standard error, written whole from the signal handler's queue.
    private static func say(_ text: String) {
        _ = try? FileDescriptor.standardError.writeAll(text.utf8)
    }
}
