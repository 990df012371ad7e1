/// The command a deployment runs: a deploy's, or a `gantry rollback`'s.
package enum CommandRole: String, Sendable, Hashable {
    case deploy = "deploy command"
    case rollback = "rollback command"
}
