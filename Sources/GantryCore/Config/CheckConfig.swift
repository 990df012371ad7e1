/// One named health check with exactly one probe kind.
package struct CheckConfig: Sendable, Hashable {
    package var name: String
    package var probe: ProbeConfig
    /// The check's own settings, already merged over the environment's defaults.
    package var timing: CheckTiming
    /// `analysis:`: a `prometheus` check judged during a rollout's bakes, not after a deploy.
    var analysis: AnalysisConfig?

    package init(name: String, probe: ProbeConfig, timing: CheckTiming, analysis: AnalysisConfig? = nil) {
        self.analysis = analysis
        self.name = name
        self.probe = probe
        self.timing = timing
    }
}
