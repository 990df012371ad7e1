import GantryCore
import GantryTestSupport
import Testing

@Suite("runner selection")
struct RunnerSelectionTests {
    func runner(_ name: String, _ priority: Int, labels: [String] = [], all: Bool = true) -> RunnerConfig {
        RunnerConfig(name: name, labels: labels.isEmpty ? ["self-hosted", name] : labels, priority: priority, requireAll: all, sources: [])
    }

    func verdict(_ state: SourceVerdict.State) -> SourceVerdict { SourceVerdict(source: "http", state: state, message: state.rawValue) }

    @Test("all sources must pass by default; with require: any, one is enough; unknown is not healthy")
    func judging() {
        #expect(RunnerSelection.judge(runner("a", 1), [verdict(.healthy), verdict(.healthy)]).healthy)
        #expect(!RunnerSelection.judge(runner("a", 1), [verdict(.healthy), verdict(.unknown)]).healthy)
        #expect(RunnerSelection.judge(runner("a", 1, all: false), [verdict(.unhealthy), verdict(.healthy)]).healthy)
        #expect(!RunnerSelection.judge(runner("a", 1, all: false), [verdict(.unknown), verdict(.unhealthy)]).healthy)
    }

    @Test("the healthy runner with the best priority wins; passing over the first choice is a failover")
    func selecting() {
        let primary = RunnerSelection.judge(runner("primary", 1), [verdict(.unhealthy)])
        let secondary = RunnerSelection.judge(runner("secondary", 2), [verdict(.healthy)])
        let tertiary = RunnerSelection.judge(runner("tertiary", 3), [verdict(.healthy)])
        let (chosen, from) = RunnerSelection.select([tertiary, primary, secondary])
        #expect(chosen?.runner.name == "secondary")
        #expect(from?.runner.name == "primary")
        #expect(chosen?.runner.selectionLabel == "secondary")
        let healthyPrimary = RunnerSelection.judge(runner("primary", 1), [verdict(.healthy)])
        #expect(RunnerSelection.select([secondary, healthyPrimary]).failoverFrom == nil)
        #expect(RunnerSelection.select([primary]).chosen == nil)
    }

    @Test("runners labelled with the environment are the eligible ones")
    func eligibility() {
        let runners = [runner("a", 1, labels: ["self-hosted", "production"]), runner("b", 2, labels: ["self-hosted", "staging"])]
        #expect(RunnerSelection.eligible(runners, for: "production").map(\.name) == ["a"])
        #expect(RunnerSelection.eligible(runners, for: "qa").map(\.name) == ["a", "b"])
    }

    @Test("GitHub's runner list: online is healthy, offline and missing are not, busy is reported")
    func github() throws {
        let body = Array(#"{"total_count":2,"runners":[{"id":1,"name":"primary-01","os":"linux","status":"offline","busy":false,"labels":[{"id":1,"name":"self-hosted","type":"read-only"}]},{"id":2,"name":"secondary-01","os":"linux","status":"online","busy":true,"labels":[]}]}"#.utf8)
        let parsed = try #require(GitHubRunnersResponse.parse(body))
        #expect(GitHubRunnersResponse.verdict(for: "secondary-01", in: parsed.runners, rateRemaining: "4999").message == "secondary-01 is online, busy with a job; 4999 API calls left this hour")
        #expect(GitHubRunnersResponse.verdict(for: "primary-01", in: parsed.runners, rateRemaining: nil).state == .unhealthy)
        #expect(GitHubRunnersResponse.verdict(for: "nope", in: parsed.runners, rateRemaining: nil).message == "GitHub lists no runner named nope")
    }

    @Test("runners parse with their sources; mistakes are reported with positions")
    func parsing() throws {
        let config = try ConfigParser.parse(text: """
            version: 1
            runners:
              - name: primary
                labels: [self-hosted, production, primary]
                priority: 1
                health:
                  - prometheus: { url: "http://127.0.0.1:9090", query: 'up{job="runner"}' }
                  - http: { url: "http://127.0.0.1:9102/healthz", timeout: 500ms }
              - name: secondary
                require: any
                health: [ { github: { repo: acme/app, runner: secondary-01, token_env: GH_TOKEN } }, { local: { min_free_disk: 1GiB, tools: [sh] } } ]
            environments:
              production:
                deploy: { command: [x] }
            """, file: "gantry.yml", directory: "/")
        #expect(config.runners.map(\.name) == ["primary", "secondary"])
        #expect(config.runners[0].sources.map(\.kind) == ["prometheus", "http"])
        #expect(config.runners[0].sources[1].timeout == .milliseconds(500))
        #expect(!config.runners[1].requireAll)
        #expect {
            _ = try ConfigParser.parse(text: "version: 1\nrunners:\n  - name: a\n    health: [ { github: { runner: x, token_env: \"ghp_literal\" } } ]\nenvironments:\n  p:\n    deploy: { command: [x] }\n", file: "gantry.yml", directory: "/")
        } throws: { error in
            (error as? ConfigError)?.issues.contains { $0.keyPath == "runners[0].health[0].github" } == true
        }
    }

    @Test("deploy identifies its runner: an explicit name must exist, RUNNER_NAME may be GitHub's name, else the host name")
    func identity() throws {
        var github = GitHubRunnerSource(repo: "acme/app", org: nil, runner: "gh-primary-01", tokenEnv: "T")
        github.timeout = .seconds(1)
        let runners = [
            RunnerConfig(name: "primary", labels: ["primary"], priority: 1, sources: [.github(github), .local(LocalRunnerSource())]),
            RunnerConfig(name: "build-host", labels: ["secondary"], priority: 2, sources: []),
        ]
        #expect(try RunnerIdentity.identify(runners, flag: "primary", environment: ["GANTRY_RUNNER": "build-host"], hostName: "x")?.via == "--runner")
        #expect(try RunnerIdentity.identify(runners, flag: nil, environment: ["GANTRY_RUNNER": "build-host"], hostName: "x")?.runner.name == "build-host")
        let unknown = #expect(throws: RunnerIdentity.Unknown.self) {
            try RunnerIdentity.identify(runners, flag: nil, environment: ["GANTRY_RUNNER": "primray"], hostName: "x")
        }
        #expect(unknown?.description == "GANTRY_RUNNER names runner 'primray', but gantry.yml defines only 'primary', 'build-host'")
        #expect(try RunnerIdentity.identify(runners, flag: nil, environment: ["RUNNER_NAME": "gh-primary-01"], hostName: "x")?.runner.name == "primary")
        #expect(try RunnerIdentity.identify(runners, flag: nil, environment: ["RUNNER_NAME": "unknown"], hostName: "build-host")?.via == "host name")
        #expect(try RunnerIdentity.identify(runners, flag: nil, environment: [:], hostName: "elsewhere") == nil)
        #expect(try RunnerIdentity.identify([], flag: "anything", environment: [:], hostName: "x") == nil)
        #expect(runners[0].localGate?.sources.count == 1)
        #expect(runners[1].localGate == nil)
    }

    @Test("the name a process runs as is the runner identify finds (GitHub's name mapped to the configured one), else the name the CI gives")
    func name() {
        var github = GitHubRunnerSource(repo: "acme/app", org: nil, runner: "gh-primary-01", tokenEnv: "T")
        github.timeout = .seconds(1)
        let runners = [RunnerConfig(name: "primary", labels: [], priority: 1, sources: [.github(github)])]
        #expect(RunnerIdentity.name(runners, flag: nil, environment: ["RUNNER_NAME": "gh-primary-01"], hostName: "x") == "primary")
        #expect(RunnerIdentity.name(runners, flag: nil, environment: [:], hostName: "primary") == "primary")
        #expect(RunnerIdentity.name(runners, flag: "typo", environment: [:], hostName: "primary") == "typo", "a name nobody configured is still the name given")
        #expect(RunnerIdentity.name([], flag: nil, environment: ["GANTRY_RUNNER": "", "RUNNER_NAME": "gh-7"], hostName: "x") == "gh-7")
        #expect(RunnerIdentity.name([], flag: nil, environment: [:], hostName: "x") == nil)
    }
}

/// Answers every source by its kind: http healthy, local unhealthy.
struct KindProber: RunnerProber {
    func probe(_ source: RunnerSource, runner: RunnerConfig, isThisMachine: Bool, environment: [String: String]) async -> SourceVerdict {
        SourceVerdict(source: source.kind, state: source.kind == "local" ? .unhealthy : .healthy, message: isThisMachine ? "here" : "elsewhere")
    }
}

@Suite("runner health check")
struct RunnerHealthCheckTests {
    @Test("local sources count only for the machine gantry runs on")
    func localOnlyHere() async {
        let sources: [RunnerSource] = [.http(url: "http://127.0.0.1:1/", timeout: .seconds(1)), .local(LocalRunnerSource())]
        let runners = [
            RunnerConfig(name: "primary", labels: [], priority: 1, sources: sources),
            RunnerConfig(name: "secondary", labels: [], priority: 2, sources: sources),
        ]
        let health = await RunnerHealthCheck(prober: KindProber()).run(runners, thisMachine: "primary", environment: [:])
        #expect(health.map(\.healthy) == [false, true])
        #expect(health[0].sources.map(\.source) == ["http", "local"])
        #expect(health[1].sources.map(\.source) == ["http"])
    }

    @Test("a source that never answers is judged at its own timeout (an http one unhealthy); the runner's other sources keep their own verdicts")
    func silentSource() async {
        struct SilentProber: RunnerProber {
            func probe(_ source: RunnerSource, runner: RunnerConfig, isThisMachine: Bool, environment: [String: String]) async -> SourceVerdict {
                if source.kind == "local" { return SourceVerdict(source: "local", state: .healthy, message: "tools found") }
                try? await Task.sleep(for: .seconds(3600))
                return SourceVerdict(source: source.kind, state: .healthy, message: "late")
            }
        }
        let timer = ManualClock()
        let runner = RunnerConfig(name: "primary", labels: [], priority: 1, sources: [.http(url: "http://10.0.0.1/", timeout: .seconds(2)), .local(LocalRunnerSource())])
        let check = Task { await RunnerHealthCheck(prober: SilentProber(), timer: timer).run([runner], thisMachine: "primary", environment: [:]) }
        #expect(await timer.untilWaiting(1), "the http source's timeout is set (the local one answered)")
        timer.advance(by: .seconds(2))
        let health = await check.value
        #expect(health.first?.sources.map(\.state) == [.unhealthy, .healthy])
        #expect(health.first?.sources.first?.message == "no answer within \(DurationText.format(.seconds(2)))")
        #expect(health.first?.sources.first?.latencyMilliseconds == 2000)
    }
}
