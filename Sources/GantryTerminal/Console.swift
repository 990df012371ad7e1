import SystemPackage
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Serialized writes to standard output and standard error, so lines from concurrent tasks
/// never interleave mid-line.
package actor Console {
    package nonisolated let traits: ConsoleTraits

    package init(traits: ConsoleTraits) {
        self.traits = traits
    }

    package func out(_ text: String) {
        Console.write(text, to: STDOUT_FILENO)
    }

    func err(_ text: String) {
        Console.write(text, to: STDERR_FILENO)
    }

    /// Writes without the actor hop, for the final lines of a process that is about to exit.
    package nonisolated static func write(_ text: String, to descriptor: Int32) {
        // Interrupted writes are retried; a closed pipe or a full disk loses the text, never
        // the process.
        _ = try? FileDescriptor(rawValue: descriptor).writeAll(text.utf8)
    }
}
