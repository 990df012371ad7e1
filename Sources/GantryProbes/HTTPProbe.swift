import AsyncHTTPClient
import Foundation
import GantryCore
import NIOCore
import NIOHTTP1

/// GETs (or HEADs, …) a URL and judges the answer; also serves the nginx and Prometheus
/// probes, which are HTTP underneath.
struct HTTPProbe {
    let clients: HTTPClients
    /// Bodies are read up to this size; a health endpoint has no business sending more.
    static let bodyLimit = 1024 * 1024

    /// One request whose `timeout` covers everything, connecting, the answer's head and its
    /// whole body: async-http-client's deadline on a delegate-driven request fails it at any
    /// point, so a server that sends its headers and then stalls cannot hold an attempt past
    /// its timeout. Cancelling the calling task cancels the request.
    func fetch(url: String, method: String = "GET", headers: [String: String] = [:], key: HTTPClients.Key, timeout: Duration) async -> Result<LimitedBody.Response, ProbeFailure> {
        var key = key
        key.connectTimeout = timeout
        let client = await clients.client(for: key)
        do {
            var fields = HTTPHeaders()
            for (name, value) in headers { fields.add(name: name, value: value) }
            fields.add(name: "User-Agent", value: "gantry-health-check")
            // A fresh connection per probe: a server that no longer accepts connections fails
            // its check even while an old kept-alive one would still be answered, and a
            // verification of a thousand hosts does not keep a thousand idle connections only
            // to close them all when it ends.
            fields.add(name: "Connection", value: "close")
            let request = try HTTPClient.Request(url: url, method: HTTPMethod(rawValue: method), headers: fields)
            let task = client.execute(request: request, delegate: LimitedBody(limit: HTTPProbe.bodyLimit), deadline: .now() + .milliseconds(timeout.milliseconds))
            let answer = try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
            return .success(answer)
        } catch {
            return .failure(ProbeFailure(ErrorText.describe(error, target: url)))
        }
    }

    func run(_ config: HTTPProbeConfig, timeout: Duration) async -> ProbeVerdict {
        let key = HTTPClients.Key(caFile: config.caFile, insecure: config.insecure, followRedirects: config.followRedirects)
        switch await fetch(url: config.url, method: config.method, headers: config.headers, key: key, timeout: timeout) {
        case .success(let answer):
            return HTTPExpectation.evaluate(status: answer.status, body: answer.body, contentType: answer.contentType, config: config)
        case .failure(let failure):
            return .fail(failure.message)
        }
    }

    func nginx(_ config: NginxProbeConfig, timeout: Duration) async -> ProbeVerdict {
        switch await fetch(url: config.url, key: HTTPClients.Key(caFile: nil, insecure: false, followRedirects: false), timeout: timeout) {
        case .success(let answer):
            guard answer.status == 200 else { return .fail("HTTP \(answer.status) from \(config.url), expected the stub_status page") }
            guard let status = NginxStubStatus.parse(String(decoding: answer.body, as: UTF8.self)) else {
                return .fail("\(config.url) did not answer with an nginx stub_status page (is stub_status enabled at this location?)")
            }
            return status.evaluate(config)
        case .failure(let failure):
            return .fail(failure.message)
        }
    }

    func prometheus(_ config: PrometheusProbeConfig, timeout: Duration) async -> ProbeVerdict {
        var components = URLComponents(string: config.url.hasSuffix("/") ? String(config.url.dropLast()) : config.url)
        components?.path += "/api/v1/query"
        components?.queryItems = [URLQueryItem(name: "query", value: config.query)]
        let encoded = components?.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        components?.percentEncodedQuery = encoded
        guard let url = components?.string else { return .fail("'\(config.url)' is not a usable Prometheus URL") }
        switch await fetch(url: url, key: HTTPClients.Key(caFile: nil, insecure: false, followRedirects: false), timeout: timeout) {
        case .success(let answer):
            do {
                let samples = try PrometheusQueryResult.parse(answer.body)
                return PrometheusQueryResult.evaluate(samples, config: config)
            } catch {
                return .fail(answer.status == 200 ? error.description : "HTTP \(answer.status): \(error.description)")
            }
        case .failure(let failure):
            return .fail(failure.message)
        }
    }
}

extension HTTPProbe {
    /// `GET /api/v1/query` (or `/api/v1/query_range` over `window`), its samples or why there
    /// are none.
    func prometheusSamples(url base: String, query: String, window: ClosedRange<Date>?, step: Duration, timeout: Duration) async -> Result<[PrometheusSample], QueryFailure> {
        var components = URLComponents(string: base.hasSuffix("/") ? String(base.dropLast()) : base)
        var items = [URLQueryItem(name: "query", value: query)]
        if let window {
            components?.path += "/api/v1/query_range"
            items += [
                URLQueryItem(name: "start", value: String(format: "%.3f", window.lowerBound.timeIntervalSince1970)),
                URLQueryItem(name: "end", value: String(format: "%.3f", window.upperBound.timeIntervalSince1970)),
                URLQueryItem(name: "step", value: String(format: "%.3f", max(0.001, Double(step.components.seconds) + Double(step.components.attoseconds) / 1e18))),
            ]
        } else {
            components?.path += "/api/v1/query"
        }
        components?.queryItems = items
        let encoded = components?.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        components?.percentEncodedQuery = encoded
        guard let url = components?.string else { return .failure(QueryFailure(message: "'\(base)' is not a usable Prometheus URL")) }
        switch await fetch(url: url, key: HTTPClients.Key(caFile: nil, insecure: false, followRedirects: false), timeout: timeout) {
        case .success(let answer):
            do {
                return .success(try PrometheusQueryResult.parse(answer.body).map { PrometheusSample(labels: $0.labels, value: $0.value) })
            } catch {
                return .failure(QueryFailure(message: answer.status == 200 ? error.description : "HTTP \(answer.status): \(error.description)"))
            }
        case .failure(let failure):
            return .failure(QueryFailure(message: failure.message))
        }
    }
}
