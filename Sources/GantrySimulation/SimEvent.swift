/// What happens next in a simulated world; each names the deployer (one gantry process),
/// command, store call or fault it is about.
enum SimEvent: Sendable {
    case jobStart(Int)
    /// A deployer's wait for the lease ends: its pause passed, or it heard the lease released
    /// (deployer, the wait's generation: a later wait ignores it).
    case wake(Int, Int)
    /// A person runs `gantry unlock` on their hold by hand (again, after one that got no answer).
    case unlockDue(Int)
    /// A call reaches the store.
    case arrive(Int)
    /// A call's answer reaches its runner.
    case answer(Int)
    /// The client gives up on a call.
    case timeout(Int)
    /// A renewal is due (deployer, generation: a later generation cancels it).
    case renewDue(Int, Int)
    /// The deployer goes on after a wait (a retry's delay, the checks, recovery's margin).
    case proceed(Int)
    case commandChange(Int)
    case commandEnd(Int)
    case commandDies(Int)
    case guardLook(Int)
    case faultStart(Int)
    case faultEnd(Int)
    /// GitHub's cancel goes on: SIGTERM 7.5 s after SIGINT, then SIGKILL.
    case cancelEscalate(Int)
    case cancelKill(Int)
    /// gantry stops a command's group when its direct child, the guard, ended (`kill`: the
    /// SIGKILL after the grace period).
    case groupStop(Int, kill: Bool)

    /// Whose process the event belongs to, for freezes: a frozen process acts on thaw.
    enum Owner { case gantry, command, guardProcess, world }

    var owner: Owner {
        switch self {
        case .jobStart, .wake, .unlockDue, .answer, .timeout, .renewDue, .proceed, .cancelEscalate, .groupStop: .gantry
        case .commandChange, .commandEnd, .commandDies: .command
        case .guardLook: .guardProcess
        case .arrive, .faultStart, .faultEnd, .cancelKill: .world
        }
    }
}
