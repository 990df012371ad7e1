import GantryCore

/// One gantry process of the simulation: a deploy of the workload (or the final recover of
/// an environment), stepping the production `LeaseWait` and `DeploymentStateMachine` with
/// what the simulated world answers; or a person's hold by hand (`gantry lock`, then
/// `gantry unlock`), which runs no machine.
struct Deployer {
    enum Phase { case idle, waiting, holding, done }

    /// What the deployer waits for before its next step.
    enum Waiting { case nothing, call(Int), command(Int), delay }

    let job: Job
    let id: String
    /// The final recover of `job.environment`: recovers and records, runs no command.
    let isRecover: Bool
    var phase = Phase.idle
    /// The gantry process runs (not killed, its runner not gone).
    var alive = true
    var waiting = Waiting.nothing
    /// The production lease wait, from the job's start until the lease is taken or refused.
    var wait: LeaseWait?
    /// Counts the lease wait's waits: a wake-up meant for an earlier one (its timer, or a
    /// release heard then) is ignored.
    var wakeGeneration = 0
    /// Why the lease wait refused the deployment.
    var refusal: ReasonCode?
    var token: FencingToken?
    /// When the lease was taken, on the runner's boot clock.
    var acquiredLocal: Int64 = 0
    /// The send time (runner's boot clock) of the newest renewal the store confirmed.
    var lastConfirmedSend: Int64 = 0
    var renewGeneration = 0
    var renewInFlight = false
    /// The renewal `freshen` sent before a command (`next`), which waits for its answer or
    /// its attempt bound.
    var freshenCall: Int?
    var leaseLost = false
    var machine: DeploymentStateMachine
    /// The deployer's current or last command.
    var command: Int?
    /// Any command of this deployer has started: production may have changed.
    var changed = false
    var exitCode: Int32?
    /// The outcome the store accepted for this deployment, as gantry knows it.
    var recorded: Outcome?
    var interrupted = false
    /// The deployment's row exists: the machine's loop has started.
    var begun = false
    var escalated = false
    /// Deployments this one recovers, once recovery's wait is over.
    var toRecover: [String] = []
    /// The environment's state as read at the start.
    var state: EnvironmentState
    var lastDeployment: DeploymentRecord?
    /// The step after the current wait.
    var next: Next = .none

    enum Next { case none, recoverRecord, startCommand(kind: CommandRun.Kind, release: String), feed(DeploymentStateMachine.Event) }

    var environment: Int { job.environment }
    var runner: Int { job.runner }
    /// A person's hold by hand, not a deploy.
    var isHandHold: Bool { job.holdFor != nil }
}
