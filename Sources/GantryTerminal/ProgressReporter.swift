package import GantryCore

/// Shows a deployment as it happens.
///
/// On a terminal: one line per step with a live elapsed-time status line below the
/// command's output. Elsewhere (piped, any CI): plain lines, one per event, and while a
/// step waits (the lock, a bake, an analysis, a pause, long checks) a line when the wait
/// starts and a heartbeat every `heartbeat` (10 s by default) saying what it waits for, so a
/// ten-minute lock wait never looks hung. On GitHub Actions the same, and: one log group
/// at a time per step, and the output of every command that changes production (deploy,
/// rollback, recovery) wrapped in `::stop-commands::` so nothing it prints can act as a
/// workflow command. At most one stop is in force at a time, and it is resumed with its own
/// token before gantry writes any command of its own (a group, an annotation), on every
/// path: call `close()` before the outcome is printed. With `quiet`, only the command output
/// is dropped from the terminal (it is still journaled).
package actor ProgressReporter: DeploymentObserver {
    private let console: Console
    private let traits: ConsoleTraits
    private let style: Style
    private let toStandardError: Bool
    private var stopToken: String?
    private var groupOpen = false
    private var live: (step: Step, detail: String, started: ContinuousClock.Instant)?
    private var ticker: Task<Void, Never>?
    private var statusShown = false
    private let heartbeat: Duration
    /// Moves on whenever a heartbeat's step ends: a beat already queued for an older one
    /// (cancelled while it waited for the actor) then says nothing.
    private var beatGeneration = 0

    /// - Parameters:
    ///   - toStandardError: send progress to stderr (when stdout carries JSON).
    ///   - heartbeat: how often plain output says a waiting step still waits.
    package init(console: Console, toStandardError: Bool = false, heartbeat: Duration = .seconds(10)) {
        self.console = console
        traits = console.traits
        style = Style(enabled: console.traits.color && !toStandardError)
        self.toStandardError = toStandardError
        self.heartbeat = heartbeat
    }

    private var interactive: Bool { traits.isTerminal && !traits.githubActions && !toStandardError }

    package func observe(_ event: ProgressEvent) async {
        switch event {
        case .stepStarted(let step, let detail):
            await stepStarted(step, detail)
        case .output(let line):
            guard !traits.quiet else { return }
            await clearStatus()
            await emit("    \(line)\n")
            await drawStatus()
        case .stepFinished(let step, let status, let elapsed, let detail):
            await stepFinished(step, status, elapsed, detail)
        case .checkFinished(let result):
            guard !traits.quiet || !result.passed else { return }
            await clearStatus()
            let mark = result.passed ? style.green("✓") : style.red("✗")
            let latency = style.dim(DurationText.format(.milliseconds(result.latencyMilliseconds)).padding(toLength: 7))
            await emit("    \(mark) \(result.label.padding(toLength: 24)) \(latency) \(result.message)\n")
            await drawStatus()
        case .notice(let text):
            // On standard error, so a --json document on standard output stays whole.
            await clearStatus()
            await console.err("\(text)\n")
            await drawStatus()
        }
    }

    /// Resumes workflow commands and closes the open group: what must happen before gantry
    /// prints its outcome and annotations, whichever way the deployment ended.
    package func close() async {
        stopTicker()
        await clearStatus()
        guard traits.githubActions else { return }
        await resumeCommands()
        if groupOpen {
            await emit(GitHubActions.endGroup)
            groupOpen = false
        }
    }

    private func resumeCommands() async {
        guard let token = stopToken else { return }
        stopToken = nil
        await emit(GitHubActions.resumeCommands(token))
    }

    private func stepStarted(_ step: Step, _ detail: String) async {
        if traits.githubActions {
            // Groups do not nest: a step that starts while another is open (a retry's
            // announcement, then its command) closes it first.
            await close()
            await emit(GitHubActions.group("\(step.rawValue): \(detail)"))
            groupOpen = true
            if step == .deploy || step == .rollback || step == .recover {
                let token = GitHubActions.stopToken()
                stopToken = token
                await emit(GitHubActions.stopCommands(token))
            } else if Self.waits(step, detail), !traits.quiet {
                startHeartbeat(step, detail)
            }
            return
        }
        if step == .deploy || step == .rollback || step == .recover, !traits.quiet {
            await emit("\(style.cyan("▸")) \(style.bold(label(step))) \(style.dim(detail))\n")
        }
        live = (step, detail, ContinuousClock.now)
        if interactive {
            await drawStatus()
            startTicker()
        } else if Self.waits(step, detail), !traits.quiet {
            // Plain output has no live line: say that the wait starts, then that it goes on.
            await emit("\(style.cyan("…")) \(label(step)) \(detail)\n")
            startHeartbeat(step, detail)
        }
    }

    /// A step that may wait long with nothing to print: the lock when it is held, a
    /// verification (checks, bakes, analyses, a pause). A command prints its own output.
    static func waits(_ step: Step, _ detail: String) -> Bool {
        switch step {
        case .lock: detail.hasPrefix("waiting")
        case .verify: true
        default: false
        }
    }

    /// Every `heartbeat`, while the step lasts: how long it has waited, and for what.
    private func startHeartbeat(_ step: Step, _ detail: String) {
        stopTicker()
        let generation = beatGeneration
        let started = ContinuousClock.now
        let interval = heartbeat
        ticker = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled, let self else { return }
                await self.beat(step, detail, waited: ContinuousClock.now - started, generation: generation)
            }
        }
    }

    /// Stops the heartbeat (and the live line's ticker): its step ended.
    private func stopTicker() {
        ticker?.cancel()
        ticker = nil
        beatGeneration += 1
    }

    private func beat(_ step: Step, _ detail: String, waited: Duration, generation: Int) async {
        guard generation == beatGeneration else { return }
        let seconds = Int(waited.components.seconds)
        let verb = step == .lock ? "still waiting" : "still running"
        await emit("\(style.cyan("…")) \(label(step)) \(verb) (\(seconds)s): \(detail)\n")
    }

    private func stepFinished(_ step: Step, _ status: StepStatus, _ elapsed: Duration, _ detail: String) async {
        stopTicker()
        await clearStatus()
        live = nil
        if traits.githubActions {
            await resumeCommands()
            await emit("\(symbol(status)) \(step.rawValue) \(DurationText.format(elapsed)) \(detail)\n")
            if groupOpen {
                await emit(GitHubActions.endGroup)
                groupOpen = false
            }
            return
        }
        guard !traits.quiet || status == .failed else { return }
        let time = style.dim(DurationText.format(elapsed).padding(toLength: 7))
        await emit("\(symbol(status)) \(label(step)) \(time) \(detail)\n")
    }

    private func symbol(_ status: StepStatus) -> String {
        switch status {
        case .ok: style.green("✓")
        case .skipped: style.yellow("–")
        case .failed: style.red("✗")
        }
    }

    private func label(_ step: Step) -> String { step.rawValue.padding(toLength: 9) }

    private func startTicker() {
        stopTicker()
        ticker = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(200))
                guard !Task.isCancelled else { return }
                await self?.redraw()
            }
        }
    }

    private func redraw() async {
        await clearStatus()
        await drawStatus()
    }

    private func drawStatus() async {
        guard interactive, let live else { return }
        let elapsed = DurationText.format(ContinuousClock.now - live.started)
        await console.out("\(style.cyan("…")) \(label(live.step)) \(style.dim(elapsed))")
        statusShown = true
    }

    private func clearStatus() async {
        guard statusShown else { return }
        await console.out("\r\u{1B}[2K")
        statusShown = false
    }

    private func emit(_ text: String) async {
        if toStandardError { await console.err(text) } else { await console.out(text) }
    }
}

extension String {
    /// The string padded with spaces to `length` characters (never cut).
    package func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
