/// Whether a step went well.
package enum StepStatus: String, Sendable, Hashable, Codable {
    case ok
    case skipped
    case failed
}
