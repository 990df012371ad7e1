import Foundation

/// The answer of Prometheus' instant query API (`GET /api/v1/query`), reduced to what a
/// check judges: the values of the samples.
package enum PrometheusQueryResult {
    /// Why an answer could not be understood.
    package struct Invalid: Error, Sendable, CustomStringConvertible {
        package var description: String
    }

    private struct Envelope: Decodable {
        var status: String
        var error: String?
        var errorType: String?
        var data: DataSection?
    }

    private struct DataSection: Decodable {
        var resultType: String
        var result: ResultValue
    }

    private enum ResultValue: Decodable {
        case vector([Sample])
        case matrix([Series])
        case scalar(ValuePair)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let samples = try? container.decode([Sample].self) {
                self = .vector(samples)
            } else if let series = try? container.decode([Series].self) {
                self = .matrix(series)
            } else {
                self = .scalar(try container.decode(ValuePair.self))
            }
        }
    }

    /// One series of a range query: its labels and its points.
    private struct Series: Decodable {
        var metric: [String: String]
        var values: [ValuePair]
    }

    private struct Sample: Decodable {
        var metric: [String: String]
        var value: ValuePair
    }

    /// `[<unix time>, "<value>"]`
    private struct ValuePair: Decodable {
        var value: String

        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            _ = try container.decode(Double.self)
            value = try container.decode(String.self)
        }
    }

    /// The sample values, `(labels, value)`, of an instant-query answer.
    package static func parse(_ body: [UInt8]) throws(Invalid) -> [(labels: [String: String], value: Double)] {
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: Data(body))
        } catch {
            throw Invalid(description: "the answer is not a Prometheus API response")
        }
        guard envelope.status == "success", let data = envelope.data else {
            throw Invalid(description: "Prometheus answered \(envelope.errorType ?? "error"): \(envelope.error ?? "no detail")")
        }
        switch (data.resultType, data.result) {
        case ("vector", .vector(let samples)):
            return samples.map { ($0.metric, Double($0.value.value) ?? .nan) }
        case ("matrix", .matrix(let series)):
            // Every point of every series: what a comparison over a window ranks.
            return series.flatMap { one in one.values.map { (one.metric, Double($0.value) ?? .nan) } }
        case ("matrix", .vector(let samples)) where samples.isEmpty:
            return []
        case ("scalar", .scalar(let pair)):
            return [([:], Double(pair.value) ?? .nan)]
        default:
            throw Invalid(description: "the query returned a \(data.resultType), not an instant vector or scalar")
        }
    }

    /// Judges the samples: every sample must satisfy `min`/`max`/`equals`; none is `no_data`.
    package static func evaluate(_ samples: [(labels: [String: String], value: Double)], config: PrometheusProbeConfig) -> ProbeVerdict {
        guard !samples.isEmpty else {
            return .noData("the query returned nothing (no samples for \(config.query))")
        }
        for sample in samples {
            let value = sample.value
            let labels = sample.labels.isEmpty ? "" : " " + sample.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",")
            if value.isNaN { return .fail("value is NaN\(labels)") }
            if let minimum = config.min, value < minimum { return .fail("value \(format(value)) is below min \(format(minimum))\(labels)") }
            if let maximum = config.max, value > maximum { return .fail("value \(format(value)) is above max \(format(maximum))\(labels)") }
            if let equals = config.equals, value != equals { return .fail("value \(format(value)) is not \(format(equals))\(labels)") }
        }
        let values = samples.prefix(3).map { format($0.value) }.joined(separator: ", ")
        return .pass("\(samples.count) sample(s): \(values)\(samples.count > 3 ? ", …" : "")")
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
