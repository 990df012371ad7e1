/// `rollout: { batches: [1, "10%", "50%", "100%"], bake: 2m }`: deploy an environment's
/// targets a batch at a time, checking each batch before the next, so a bad release reaches
/// one host (the canary) rather than all of them.
///
/// Sizes are cumulative, as Argo Rollouts' weights are: `"10%"` means "a tenth of the hosts
/// in all so far", not "another tenth". A size that adds no host (10% of 5 hosts after 1)
/// makes no batch, and hosts a list leaves out form a last batch, so every target is deployed.
package struct RolloutConfig: Sendable, Hashable {
    /// How far a batch reaches: a number of hosts, or a share of them (rounded up).
    package enum Size: Sendable, Hashable, CustomStringConvertible {
        case hosts(Int)
        case percent(Int)

        package var description: String {
            switch self {
            case .hosts(let count): "\(count)"
            case .percent(let share): "\(share)%"
            }
        }

        /// How many hosts in all the batch ends at, out of `total`.
        func reach(of total: Int) -> Int {
            switch self {
            case .hosts(let count): min(count, total)
            case .percent(let share): min(total, (total * share + 99) / 100)
            }
        }
    }

    package var batches: [Size]
    /// Pause steps, by the index in `batches` of the size they follow: `[1, pause, "100%"]`
    /// holds the rollout after the canary until `gantry promote`, as Argo Rollouts' `pause: {}`
    /// does; `pause: 10m` holds it for that long, then goes on by itself.
    package var pauses: [Int: PauseStep] = [:]

    /// A pause step written in `batches`.
    package enum PauseStep: Sendable, Hashable, CustomStringConvertible {
        /// `pause`: until `gantry promote` (or `gantry abort`); `pause_timeout` still bounds it.
        case untilPromoted
        /// `pause: 10m`: that long, then the next batch; promote goes on earlier, abort rolls back.
        case timed(Duration)

        package var description: String {
            switch self {
            case .untilPromoted: "pause"
            case .timed(let duration): "pause: \(DurationText.canonical(duration))"
            }
        }
    }
    /// How long each batch but the last stays under watch, after its checks pass, before the
    /// next batch starts; its checks run again at the end.
    package var bake: Duration
    /// How long a rollout paused by an inconclusive analysis waits for `gantry promote` or
    /// `gantry abort` before it aborts by itself.
    package var pauseTimeout: Duration
    /// What the deploying process does while the rollout is paused.
    package var onPause: OnPause = .wait

    /// `on_pause:`: `wait` keeps the deploying process (and its CI job) waiting for the
    /// decision; `exit` leaves the rollout paused in the store, its lease held until
    /// `pause_timeout`, and exits 5, so no runner is tied up: `gantry promote` then deploys
    /// the remaining batches itself, from any runner.
    package enum OnPause: String, Sendable, Hashable, CaseIterable {
        case wait, exit
    }

    package init(batches: [Size], bake: Duration = .zero, pauseTimeout: Duration = RolloutConfig.defaultPauseTimeout, onPause: OnPause = .wait) {
        self.onPause = onPause
        self.batches = batches
        self.bake = bake
        self.pauseTimeout = pauseTimeout
    }

    static let defaultPauseTimeout: Duration = .seconds(3600)

    /// The pause steps of a rollout of `total` hosts, by the batch (from 1) they follow. A
    /// pause after a size that makes no batch holds after the batch before it.
    package func pauseSteps(of total: Int) -> [Int: PauseStep] {
        var steps: [Int: PauseStep] = [:]
        var done = 0
        var made = 0
        for (index, size) in batches.enumerated() {
            let reach = size.reach(of: total)
            if reach > done {
                made += 1
                done = reach
            }
            if let step = pauses[index], made > 0, steps[made] == nil { steps[made] = step }
        }
        return steps
    }

    /// `targets` split into batches, in inventory order: the first is the canary.
    package func split(_ targets: [TargetHost]) -> [[TargetHost]] {
        var result: [[TargetHost]] = []
        var done = 0
        for size in batches {
            let reach = size.reach(of: targets.count)
            guard reach > done else { continue }
            result.append(Array(targets[done..<reach]))
            done = reach
        }
        if done < targets.count { result.append(Array(targets[done...])) }
        return result
    }
}
