import GantryCore
import Testing

@Suite("probe evaluation")
struct ProbeEvaluationTests {
    func http(_ configure: (inout HTTPProbeConfig) -> Void = { _ in }) -> HTTPProbeConfig {
        var config = HTTPProbeConfig(url: "http://x/")
        configure(&config)
        return config
    }

    @Test("HTTP: any 2xx passes by default; a listed status is required when given")
    func httpStatus() {
        #expect(HTTPExpectation.evaluate(status: 204, body: [], config: http()).outcome == .pass)
        #expect(HTTPExpectation.evaluate(status: 301, body: [], config: http()).outcome == .fail)
        #expect(HTTPExpectation.evaluate(status: 401, body: [], config: http { $0.expectStatus = [401, 403] }).outcome == .pass)
        #expect(HTTPExpectation.evaluate(status: 200, body: [], config: http { $0.expectStatus = [204] }).outcome == .fail)
    }

    @Test("HTTP: a failing answer quotes a short plain excerpt of its body and keeps the body apart")
    func httpQuote() {
        let body = Array(("Service Unavailable\n" + String(repeating: "x", count: 500)).utf8)
        let verdict = HTTPExpectation.evaluate(status: 503, body: body, config: http())
        #expect(verdict.message.hasPrefix("HTTP 503, expected 2xx: Service Unavailable xxx"))
        #expect(verdict.message.hasSuffix("…"))
        #expect(verdict.message.count <= "HTTP 503, expected 2xx: ".count + BodyExcerpt.limit + 1)
        #expect(verdict.body == String(decoding: body, as: UTF8.self))

        let page = Array("""
            <!DOCTYPE HTML>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>404 Not Found</title>
            </head>
            <body><h1>Not Found</h1></body>
            </html>
            """.utf8)
        let notFound = HTTPExpectation.evaluate(status: 404, body: page, contentType: "text/html", config: http { $0.expectStatus = [200] })
        #expect(notFound.message == "HTTP 404, expected 200: 404 Not Found")
        #expect(notFound.body?.hasPrefix("<!DOCTYPE HTML>") == true)

        // Kept up to 4 KiB, cut between characters: here the limit falls inside an "é".
        let huge = Array(("a" + String(repeating: "é", count: 3000)).utf8)
        let kept = HTTPExpectation.evaluate(status: 500, body: huge, config: http()).body ?? ""
        #expect(kept.utf8.count == HTTPExpectation.keptBodyBytes - 1)
        #expect(kept.dropFirst().allSatisfy { $0 == "é" })

        let empty = HTTPExpectation.evaluate(status: 502, body: [], config: http())
        #expect(empty.message == "HTTP 502, expected 2xx")
        #expect(empty.body == nil)
        #expect(HTTPExpectation.evaluate(status: 200, body: page, config: http()).body == nil)
    }

    @Test("HTTP: body substring and JSON paths")
    func httpBodyAndJSON() {
        let body = Array(#"{"status":"UP","components":{"db":{"status":"UP","ok":true,"n":3}}}"#.utf8)
        #expect(HTTPExpectation.evaluate(status: 200, body: body, config: http { $0.expectBody = #""status":"UP""# }).outcome == .pass)
        #expect(HTTPExpectation.evaluate(status: 200, body: body, config: http { $0.expectBody = "DOWN" }).outcome == .fail)
        let json = http { $0.expectJSON = ["status": "UP", "components.db.ok": "true", "components.db.n": "3"] }
        #expect(HTTPExpectation.evaluate(status: 200, body: body, config: json).outcome == .pass)
        let wrong = HTTPExpectation.evaluate(status: 200, body: body, config: http { $0.expectJSON = ["components.db.status": "DOWN"] })
        #expect(wrong.message == #"HTTP 200 but components.db.status is "UP", expected "DOWN""#)
        #expect(HTTPExpectation.evaluate(status: 200, body: Array("<html>".utf8), config: json).message.hasPrefix("HTTP 200 but the body is not JSON"))
        #expect(HTTPExpectation.evaluate(status: 200, body: body, config: http { $0.expectJSON = ["missing.path": "x"] }).message == "HTTP 200 but the JSON has no missing.path")
    }

    let stubStatus = """
        Active connections: 291 
        server accepts handled requests
         16630948 16630940 31070465 
        Reading: 6 Writing: 179 Waiting: 106 
        """

    @Test("nginx stub_status parses and is judged on max_active and dropped connections")
    func nginx() throws {
        let status = try #require(NginxStubStatus.parse(stubStatus))
        #expect(status == NginxStubStatus(active: 291, accepts: 16_630_948, handled: 16_630_940, requests: 31_070_465, reading: 6, writing: 179, waiting: 106))
        var config = NginxProbeConfig(url: "http://x/nginx_status")
        #expect(status.evaluate(config).outcome == .pass)
        config.maxActive = 200
        #expect(status.evaluate(config).message.hasPrefix("291 active connections, more than max_active 200"))
        config.maxActive = nil
        config.failOnDropped = true
        #expect(status.evaluate(config).message.hasPrefix("8 connections dropped"))
        #expect(NginxStubStatus.parse("<html>not it</html>") == nil)
    }

    @Test("Prometheus answers: vectors, scalars, empty results and errors")
    func prometheus() throws {
        let vector = Array(#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"a"},"value":[1.7e9,"1"]},{"metric":{"instance":"b"},"value":[1.7e9,"0"]}]}}"#.utf8)
        let samples = try PrometheusQueryResult.parse(vector)
        #expect(samples.map(\.value) == [1, 0])
        var config = PrometheusProbeConfig(url: "http://p", query: "up")
        config.equals = 1
        #expect(PrometheusQueryResult.evaluate(samples, config: config).message == #"value 0 is not 1 instance="b""#)
        config.equals = nil
        config.min = 0
        #expect(PrometheusQueryResult.evaluate(samples, config: config).outcome == .pass)
        let empty = Array(#"{"status":"success","data":{"resultType":"vector","result":[]}}"#.utf8)
        #expect(PrometheusQueryResult.evaluate(try PrometheusQueryResult.parse(empty), config: config).outcome == .noData)
        let scalar = Array(#"{"status":"success","data":{"resultType":"scalar","result":[1.7e9,"0.5"]}}"#.utf8)
        #expect(try PrometheusQueryResult.parse(scalar).map(\.value) == [0.5])
        let error = Array(#"{"status":"error","errorType":"bad_data","error":"parse error at char 3"}"#.utf8)
        #expect(throws: PrometheusQueryResult.Invalid.self) { try PrometheusQueryResult.parse(error) }
        #expect(throws: PrometheusQueryResult.Invalid.self) { try PrometheusQueryResult.parse(Array("<html>".utf8)) }
    }

    @Test("disk and memory thresholds, absolute and percent")
    func resources() throws {
        let gib: UInt64 = 1024 * 1024 * 1024
        var disk = DiskProbeConfig(path: "/")
        disk.minFree = .percent(10)
        #expect(ResourceThresholds.evaluateDisk(path: "/", freeBytes: 5 * gib, totalBytes: 100 * gib, freeInodes: 10, totalInodes: 100, config: disk).message.hasSuffix("below min_free 10%"))
        disk.minFree = .bytes(2 * gib)
        #expect(ResourceThresholds.evaluateDisk(path: "/", freeBytes: 5 * gib, totalBytes: 100 * gib, freeInodes: 10, totalInodes: 100, config: disk).outcome == .pass)
        disk.minFreeInodes = .percent(20)
        #expect(ResourceThresholds.evaluateDisk(path: "/", freeBytes: 5 * gib, totalBytes: 100 * gib, freeInodes: 10, totalInodes: 100, config: disk).message.contains("inodes"))
        let meminfo = "MemTotal:       16384000 kB\nMemFree:          100000 kB\nMemAvailable:    4096000 kB\n"
        let memory = try #require(ResourceThresholds.parseMeminfo(meminfo))
        #expect(memory.total == 16_384_000 * 1024)
        #expect(ResourceThresholds.evaluateMemory(total: memory.total, available: memory.available, config: MemoryProbeConfig(minAvailable: .percent(30))).outcome == .fail)
        #expect(ResourceThresholds.evaluateMemory(total: memory.total, available: memory.available, config: MemoryProbeConfig(minAvailable: .bytes(gib))).outcome == .pass)
    }
}
