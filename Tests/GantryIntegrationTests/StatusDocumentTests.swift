import Foundation
import GantryTestSupport
import Testing

/// `gantry status --json` and `/api/v1/status` write one environment document for one store
/// state: the CLI's is the API's without what only `gantry serve` knows (`checks`,
/// `deployments`). Waits until serve's store poll has seen the state, then compares.
enum StatusDocuments {
    /// The CLI's and the API's object of the first environment, once they agree (or the last
    /// pair read, after `seconds`).
    static func agreeing(_ project: Project, serve: ServeProcess, environment: [String: String] = [:], seconds: Double = 15) throws -> (cli: NSDictionary, api: NSDictionary) {
        let deadline = Date().addingTimeInterval(seconds)
        var pair: (NSDictionary, NSDictionary) = ([:], [:])
        repeat {
            let cli = try #require((try project.json("status", environment: environment)["environments"] as? [[String: Any]])?.first)
            let body = try HTTP.get("\(serve.url)/api/v1/status").body
            let document = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            var api = try #require((document?["environments"] as? [[String: Any]])?.first)
            #expect(api["checks"] is [Any] && api["deployments"] is [Any], "serve adds its checks and history: \(api)")
            api["checks"] = nil
            api["deployments"] = nil
            pair = (cli as NSDictionary, api as NSDictionary)
            if pair.0 == pair.1 { return pair }
            Thread.sleep(forTimeInterval: 0.2)
        } while Date() < deadline
        return pair
    }

    static func lock(_ document: NSDictionary) -> [String: Any]? { document["lock"] as? [String: Any] }
}

@Suite("one status document: gantry status --json and /api/v1/status", .serialized)
struct StatusDocumentTests {
    func project(state: String) throws -> Project {
        let script = "case $1 in *slow*) echo $$ > slow.pid; sleep 30;; esac; echo deployed $1"
        return try Project(config: shellConfig(script) + "\n\(state)\nserve: { store_interval: 200ms, runner_interval: 1s, check_interval: 1s }\n")
    }

    @Test("free, held by hand and held by a running deploy: the same document from the CLI and the API, on either store; a hand hold has expires_at null and held_by_hand true", arguments: SharedStore.available)
    func sameDocument(store: SharedStore) throws {
        let (state, environment) = try store.make()
        let project = try project(state: state)
        #expect(try project.gantry("deploy", "production", "--release", "1.0", environment: environment).status == 0)
        let serve = try ServeProcess(project: project, environment: environment)

        let free = try StatusDocuments.agreeing(project, serve: serve, environment: environment)
        #expect(free.cli == free.api, "free: \(free.cli) vs \(free.api)")
        #expect(free.cli["lock"] is NSNull)
        #expect(free.cli["current"] as? String == "1.0")

        #expect(try project.gantry("lock", "production", "--reason", "db maintenance", environment: environment).status == 0)
        let hand = try StatusDocuments.agreeing(project, serve: serve, environment: environment)
        #expect(hand.cli == hand.api, "held by hand: \(hand.cli) vs \(hand.api)")
        let handLock = try #require(StatusDocuments.lock(hand.cli))
        #expect(handLock["expires_at"] is NSNull)
        #expect(handLock["held_by_hand"] as? Bool == true)
        #expect(handLock["reason"] as? String == "db maintenance")
        #expect(hand.cli["deploying"] as? Bool == false)
        #expect(try project.gantry("unlock", "production", environment: environment).status == 0)

        let running = try GantryBinary.start(["deploy", "production", "--release", "2.0-slow"], in: project.directory, environment: environment)
        let deadline = Date().addingTimeInterval(10)
        while !project.exists("slow.pid"), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let live = try StatusDocuments.agreeing(project, serve: serve, environment: environment)
        running.process.terminate()
        _ = running.wait()
        #expect(live.cli == live.api, "a running deploy: \(live.cli) vs \(live.api)")
        let liveLock = try #require(StatusDocuments.lock(live.cli))
        #expect(liveLock["held_by_hand"] as? Bool == false)
        #expect(liveLock["expires_at"] is String)
        #expect(liveLock["deployment_id"] is String)
        #expect(live.cli["deploying"] as? Bool == true)
    }
}
