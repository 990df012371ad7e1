import ArgumentParser
import Foundation
import GantryCore
import GantryExec
import GantryLeaseGuard
import GantryStore
import GantryTerminal
import Synchronization

@main
enum Entry {
    static func main() async {
        let arguments = CommandLine.arguments
        if arguments.count > 1, arguments[1] == LeaseGuardProcess.mode {
            LeaseGuardProcess.main(Array(arguments.dropFirst(2)))
        }
        // A lease guard that exits (its command ended) while a heartbeat is being written to
        // it must cost an EPIPE, not gantry. Commands get the default back (swift-subprocess
        // resets signal dispositions in the child).
        signal(SIGPIPE, SIG_IGN)
        let stores = StoreLifetimes.shared
        let running = Task { await stores.runAdopted() }
        let code = await runCommand(arguments)
        InterruptionTrap.commandEnded.store(true, ordering: .releasing)
        await stores.closeAll(running: running)
        exit(code)
    }

    /// Runs the command and turns every way it can end into its exit code (docs/reference.md,
    /// Exit codes), after printing what the person needs to read.
    static func runCommand(_ arguments: [String]) async -> Int32 {
        do {
            var command = try Gantry.parseAsRoot(GlobalArguments.reorder(Array(arguments.dropFirst())))
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch let failure as Failure {
            failure.report()
            return failure.exitCode
        } catch let exitCode as ArgumentParser.ExitCode {
            return exitCode.rawValue
        } catch {
            let code = Gantry.exitCode(for: error)
            let message = Gantry.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { Console.write(message + "\n", to: STDOUT_FILENO) }
                return 0
            }
            let text = ArgumentErrorText.unified(message, arguments: Array(arguments.dropFirst()))
            // On GitHub Actions a bad argument (a release with a '/') is annotated like any
            // other error, on its first line.
            let annotation = ProcessInfo.processInfo.environment["GITHUB_ACTIONS"] == "true"
                ? GitHubActions.error(String(text.prefix { $0 != "\n" }.dropFirst(text.hasPrefix("gantry: error: ") ? "gantry: error: ".count : 0)), title: "gantry") : ""
            Console.write(annotation + text + "\n", to: STDERR_FILENO)
            return code == .validationFailure ? ExitStatus.usage : code.rawValue
        }
    }
}
