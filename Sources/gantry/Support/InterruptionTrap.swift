import Dispatch
import Foundation
import Synchronization

/// Turns SIGINT and SIGTERM into cancellation of the running deployment, so the command's
/// process group is stopped (SIGTERM, grace, SIGKILL), the outcome `interrupted` recorded and
/// the lease released before gantry exits. A second signal exits at once.
final class InterruptionTrap: Sendable {
    private let received = Mutex<Int32?>(nil)
    /// Written only by `install`, before any signal can be delivered; kept so the sources live.
    nonisolated(unsafe) private var sources: [any DispatchSourceSignal] = []

    var signal: Int32? { received.withLock { $0 } }

    func install(onInterrupt: @escaping @Sendable () -> Void) {
        for number in [SIGINT, SIGTERM] {
            Foundation.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                let first = received.withLock { previous -> Bool in
                    guard previous == nil else { return false }
                    previous = number
                    return true
                }
                if first {
                    Console.writeError("gantry: received signal \(number); stopping the deploy command and recording the interruption (send it again to exit at once)\n")
                    onInterrupt()
                } else {
                    exit(128 + number)
                }
            }
            source.resume()
            sources.append(source)
        }
    }
}

import GantryTerminal

extension Console {
    static func writeError(_ text: String) {
        write(text, to: STDERR_FILENO)
    }
}
