import ArgumentParser
import GantryCore

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
            CommandGroup(name: "Approvals", subcommands: [ApproveCommand.self, ApprovalsCommand.self]),
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
