import ArgumentParser
import Foundation
import GantryCore
import GantryTerminal

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each environment's current and last good release, lock holder and last deployment."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "One environment; all of them when omitted.", completion: .custom(EnvironmentCompletion.complete), transform: { try EnvironmentName.argument($0) })
    var environment: String?

    @Flag(help: "Print the status as JSON.")
    var json = false

    @Flag(help: "Keep printing the status, every --interval, until interrupted: follows deployments other runners make through the shared store.")
    var watch = false

    /// At least 100ms. The default is spelled in the help: a transform's is not shown.
    @Option(
        help: ArgumentHelp("How often --watch reads the store. (default: 2s)", valueName: "duration"),
        transform: { try Duration.interval(argument: $0, option: "--interval", example: "2s") }
    )
    var interval: Duration = .seconds(2)

    func run() async throws {
        let context = Context(options: global)
        let config = try context.loadConfig()
        var names = config.environments.map(\.name)
        let rollouts = Set(config.environments.filter { $0.rollout != nil }.map(\.name))
        let promotions = Dictionary(uniqueKeysWithValues: config.environments.compactMap { environment in environment.promoteFrom.map { (environment.name, $0) } })
        if let environment {
            names = [try context.environment(environment, in: config).name]
        }
        guard watch else {
            let store = try await context.openStore(config: config, create: false)
            Console.write(try await render(names, store: store, context: context, rollouts: rollouts, promotions: promotions), to: STDOUT_FILENO)
            return
        }
        let terminal = context.console().traits.isTerminal && !json
        var store = try await context.openStore(config: config, create: false)
        while true {
            // The store may appear once the first deployment creates it.
            if store == nil { store = try await context.openStore(config: config, create: false) }
            let text = try await render(names, store: store, context: context, rollouts: rollouts, promotions: promotions)
            Console.write((terminal ? "\u{1B}[H\u{1B}[2J" : "") + text + (terminal || json ? "" : "\n"), to: STDOUT_FILENO)
            try? await Task.sleep(for: interval)
        }
    }

    /// The status of `names`, as text or (with --json) one JSON document.
    func render(_ names: [String], store: (any StateStore)?, context: Context, rollouts: Set<String>, promotions: [String: PromotionConfig]) async throws -> String {
        var views: [EnvironmentStatusDocument] = []
        let now = Date()
        for name in names {
            // An environment a store that does not exist yet has never seen: all empty.
            var status = EnvironmentStatus(name: name)
            if let store {
                do {
                    status = try await EnvironmentStatus.read(name, store: store, now: now, recent: 1, rollouts: rollouts.contains(name), promotion: promotions[name])
                } catch {
                    throw Failure.store(error)
                }
            }
            views.append(EnvironmentStatusDocument(status, at: now))
        }
        if json {
            return JSONOutput.encode(StatusView(environments: views))
        }
        let style = Style(enabled: context.console().traits.color)
        var text = ""
        for view in views {
            text += style.bold(view.environment) + "\n"
            text += "  current:    \(view.current ?? "none")\n"
            text += "  last good:  \(view.lastGood ?? "none")\n"
            if let lock = view.lock {
                let who = [lock.runner.map { "runner \($0)" }, "host \(lock.host)", "pid \(lock.pid)", lock.actor.map { "by \($0)" }].compactMap { $0 }.joined(separator: ", ")
                let how = lock.heldByHand ? "held by hand" : "held"
                text += "  lock:       \(style.yellow(how)) by \(who) since \(Timestamp.format(lock.acquiredAt))\(lock.reason.map { ": \($0)" } ?? "")\n"
            } else {
                text += "  lock:       free\n"
            }
            if let frozen = view.frozen {
                text += "  frozen:     \(style.yellow("yes")) by \(frozen.by) since \(Timestamp.format(frozen.at)): \(frozen.reason)\n"
            }
            if !view.waiting.isEmpty {
                text += "  waiting:    \(view.waiting.map { "\($0.release) (\($0.deploymentId))" }.joined(separator: ", "))\n"
            }
            if let promotion = view.promotion {
                let verdict = promotion.ready ? style.green("\(promotion.candidate ?? "") is ready") : (promotion.reason ?? "not ready")
                text += "  promotion:  from \(promotion.from) after \(promotion.soak): \(verdict)\n"
            }
            if let last = view.lastDeployment {
                if let rollout = view.rollout { text += "  rollout:    \(rollout.text)\n" }
                text += "  last:       \(last.release) \(last.outcome ?? "running")\(last.reasonCode.map { " [\($0)]" } ?? "") at \(Timestamp.format(last.startedAt)) (\(last.id))\n"
            } else {
                text += "  last:       no deployments yet\n"
            }
        }
        return text
    }
}
