package import Foundation

/// Runs one probe attempt. The adapter (HTTP, PostgreSQL, Redis, …) does the I/O and must
/// give up by `timeout`; the check runner enforces it anyway, so a probe that ignores it
/// cannot hold up verification.
package protocol Prober: Sendable {
    func probe(_ probe: ProbeConfig, timeout: Duration) async -> ProbeVerdict
    /// Whether `probe(_:timeout:)` itself answers by `timeout` for this kind of probe, come
    /// what may (a client whose own deadline fails the request). The check runner then runs
    /// it without a deadline task of its own: at a thousand targets those tasks cost more
    /// than the probes. The verification's overall deadline still ends everything.
    func boundsItsOwnTime(_ probe: ProbeConfig) -> Bool
    /// The samples of a PromQL query against the Prometheus at `url`: now, or every point of
    /// `window` at `step` (a range query); an error says why there is no answer (which an
    /// analysis tells apart from an answer without data).
    func prometheusSamples(url: String, query: String, window: ClosedRange<Date>?, step: Duration, timeout: Duration) async -> Result<[PrometheusSample], QueryFailure>
}

extension Prober {
    package func boundsItsOwnTime(_ probe: ProbeConfig) -> Bool { false }

    package func prometheusSamples(url: String, query: String, window: ClosedRange<Date>?, step: Duration, timeout: Duration) async -> Result<[PrometheusSample], QueryFailure> {
        .failure(QueryFailure(message: "this prober cannot query Prometheus"))
    }
}
