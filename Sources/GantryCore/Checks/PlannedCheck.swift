/// One check against one target: what verification actually runs.
package struct PlannedCheck: Sendable, Hashable {
    package var check: CheckConfig
    package var target: TargetHost?
}
