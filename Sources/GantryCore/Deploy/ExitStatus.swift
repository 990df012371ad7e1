/// Exit codes of the `gantry` command (docs/reference.md, Exit codes), in one place.
package enum ExitStatus {
    package static let success: Int32 = 0
    package static let restored: Int32 = 1
    package static let usage: Int32 = 2
    package static let refused: Int32 = 3
    package static let needsPerson: Int32 = 4
    /// A rollout left paused for `gantry promote` or `gantry abort` (`on_pause: exit`).
    package static let paused: Int32 = 5

    /// 128 + the signal number, as shells report it.
    package static func interrupted(by signal: Int32) -> Int32 { 128 + signal }
}
