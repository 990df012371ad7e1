import ArgumentParser
import CGantryBuildInfo
import Foundation
import GantryCore
import GantryExec
import GantryLeaseGuard
import GantryStore
import GantryTerminal
import Synchronization

/// The `gantry` command: parses arguments, maps every failure to the exit codes of
/// docs/reference.md (Exit codes).
struct Gantry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gantry",
        abstract: "Reliable production deploys from CI runners.",
        discussion: """
            Gantry wraps your deploy command (an ansible-playbook line, a script, anything) with \
            a lock, an idempotency check, a journal, masked output and a recorded outcome.

            Exit codes: 0 done (succeeded, skipped); 1 failed and restored to the last good \
            release; 2 usage or configuration error; 3 refused before any change; 4 failed and \
            not restored (a person is needed); 5 a rollout left paused for 'gantry promote' or \
            'gantry abort'; 130/143 interrupted (SIGINT/SIGTERM).
            """,
        version: BuildInfo.current.line,
        groupedSubcommands: [
            CommandGroup(name: "Deploy and roll back", subcommands: [
                DeployCommand.self, RollbackCommand.self, RecoverCommand.self, PlanCommand.self, CheckCommand.self, PreflightCommand.self,
            ]),
            CommandGroup(name: "See what happened", subcommands: [StatusCommand.self, HistoryCommand.self, ShowCommand.self, DiagnoseCommand.self]),
            CommandGroup(name: "Locks and freezes", subcommands: [LockCommand.self, UnlockCommand.self, FreezeCommand.self, UnfreezeCommand.self]),
            CommandGroup(name: "Rollouts", subcommands: [PromoteCommand.self, AbortCommand.self]),
            CommandGroup(name: "Runners", subcommands: [RunnersCommand.self, SelectRunnerCommand.self]),
            CommandGroup(name: "Monitoring", subcommands: [ServeCommand.self, MonitoringCommand.self]),
            CommandGroup(name: "State", subcommands: [MigrateCommand.self, StoreCommand.self]),
            CommandGroup(name: "Setup", subcommands: [
                InitCommand.self, ValidateCommand.self, SchemaCommand.self, ConfigCommand.self, VersionCommand.self,
            ]),
        ]
    )

    /// Shown in `gantry --help` so the options every command takes are found in one place;
    /// typed before a command, they are moved behind it (`GlobalArguments`).
    @OptionGroup(title: "Global options (before or after any command)") var global: GlobalOptions
}

/// The version number: recorded with deployments, exported as a metric label, and what a
/// release's tag must match (`scripts/release` refuses a tag that differs).
enum GantryVersion {
    /// The file VERSION, baked in by Package.swift.
    static let current = String(cString: gantry_build_version())
}

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
            Console.write(ArgumentErrorText.unified(message, arguments: Array(arguments.dropFirst())) + "\n", to: STDERR_FILENO)
            return code == .validationFailure ? ExitStatus.usage : code.rawValue
        }
    }
}
