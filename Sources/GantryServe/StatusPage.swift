import Foundation
import GantryCore
import GantryTelemetry
import Mustache

/// `GET /`: the status page a person reads at a glance, on a laptop or a phone. Rendered on
/// the server from a mustache template (values HTML-escaped), with its styles inline and no
/// external asset, refreshing itself every `refresh` seconds.
struct StatusPage {
    static let template: MustacheTemplate = {
        do {
            return try MustacheTemplate(string: StatusPage.source)
        } catch {
            preconditionFailure("the status page template does not parse: \(error)")
        }
    }()

    static func render(_ document: StatusDocument, refresh: Int) -> String {
        template.render(model(document, refresh: refresh))
    }

    static func model(_ document: StatusDocument, refresh: Int) -> [String: Any] {
        func ago(_ date: Date) -> String {
            let seconds = max(0, Int(document.generatedAt.timeIntervalSince(date)))
            if seconds < 90 { return "\(seconds)s ago" }
            if seconds < 5400 { return "\(seconds / 60)m ago" }
            if seconds < 172_800 { return "\(seconds / 3600)h ago" }
            return "\(seconds / 86400)d ago"
        }
        var problems: [String] = []
        if let error = document.storeError { problems.append("state store unreadable: \(error)") }
        let environments: [[String: Any]] = document.environments.map { environment in
            let checks = environment.checks ?? []
            let deployments = environment.deployments ?? []
            let failing = checks.filter { !$0.healthy }
            let last = deployments.first { $0.outcome != "skipped" && $0.outcome != "refused" }
            var badges: [[String: String]] = []
            if environment.deploying { badges.append(["text": "deploying", "tone": "busy"]) }
            if let lock = environment.lock, lock.heldByHand { badges.append(["text": "locked", "tone": "warn"]) }
            if environment.frozen != nil { badges.append(["text": "frozen", "tone": "warn"]) }
            if last?.outcome == "failed" {
                badges.append(["text": "last deploy failed", "tone": "bad"])
                problems.append("\(environment.environment): the last deployment failed and was not restored")
            }
            if !failing.isEmpty {
                badges.append(["text": "\(failing.count) check\(failing.count == 1 ? "" : "s") failing", "tone": "bad"])
                problems.append("\(environment.environment): \(failing.map(\.name).joined(separator: ", ")) failing")
            }
            if badges.isEmpty { badges.append(["text": "healthy", "tone": "good"]) }
            var model: [String: Any] = [
                "name": environment.environment,
                "current": environment.current ?? "none yet",
                "lastGood": environment.lastGood ?? "none yet",
                "badges": badges,
                "waiting": environment.waiting.isEmpty ? "" : "· \(environment.waiting.count) waiting for the lock",
                "hasChecks": !checks.isEmpty,
                "checks": checks.map { check in
                    ["name": check.name, "tone": check.healthy ? "good" : "bad", "state": check.healthy ? "up" : "DOWN", "message": check.message, "when": ago(check.checkedAt)]
                },
                "deployments": deployments.prefix(5).map { deployment in
                    // Keys are left out rather than empty: mustache counts "" as present.
                    var row = [
                        "release": deployment.release, "kind": deployment.kind == "deploy" ? "" : deployment.kind,
                        "outcome": deployment.outcome ?? "running", "tone": tone(deployment.outcome),
                        "when": ago(deployment.finishedAt ?? deployment.startedAt),
                    ]
                    if let runner = deployment.runner, !runner.isEmpty { row["runner"] = runner }
                    if let reason = deployment.reason, !reason.isEmpty { row["reason"] = reason }
                    if let code = deployment.reasonCode { row["code"] = code }
                    if let glass = deployment.breakGlass { row["breakGlass"] = glass }
                    return row
                },
            ]
            if let lock = environment.lock {
                var view = ["holder": lock.holder, "since": ago(lock.acquiredAt)]
                if let reason = lock.reason, !reason.isEmpty { view["reason"] = reason }
                model["lock"] = view
            }
            if let rollout = environment.rollout { model["rollout"] = rollout.text }
            if let freeze = environment.frozen {
                model["frozen"] = ["reason": freeze.reason, "by": freeze.by, "since": ago(freeze.at)]
            }
            return model
        }
        let runners: [[String: String]] = document.runners.map { runner in
            if !runner.healthy { problems.append("runner \(runner.name) is unhealthy") }
            return ["name": runner.name, "tone": runner.healthy ? "good" : "bad", "state": runner.healthy ? "up" : "DOWN", "message": runner.message, "when": ago(runner.checkedAt)]
        }
        return [
            "refresh": refresh,
            // Formatted by hand, not with DateFormatter: that would load ICU into the server.
            "generated": Timestamp.format(document.generatedAt).prefix(19).replacingOccurrences(of: "T", with: " ") + " UTC",
            "version": document.version,
            "ok": problems.isEmpty,
            "problems": problems,
            "environments": environments,
            "runners": runners,
            "hasRunners": !runners.isEmpty,
            "hasFailovers": !document.failovers.isEmpty,
            "failovers": document.failovers.prefix(5).map { ["environment": $0.environment, "from": $0.from, "to": $0.to, "when": ago($0.at), "reason": $0.reason] },
        ]
    }

    static func tone(_ outcome: String?) -> String {
        switch outcome {
        case "succeeded", "skipped": "good"
        case "rolled_back", "refused", "interrupted": "warn"
        case "failed": "bad"
        default: "busy"
        }
    }

    static let source = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="refresh" content="{{refresh}}">
        <title>{{#ok}}OK{{/ok}}{{^ok}}PROBLEM{{/ok}} · gantry status</title>
        <style>
        :root { --good:#1a7f37; --bad:#cf222e; --warn:#9a6700; --busy:#0969da; --line:#d0d7de; --muted:#57606a; }
        * { box-sizing: border-box; }
        body { margin:0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color:#1f2328; background:#f6f8fa; }
        main { max-width: 1100px; margin: 0 auto; padding: 12px; }
        h1 { font-size: 20px; margin: 4px 0 12px; }
        h2 { font-size: 17px; margin: 0 0 6px; }
        h3 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 12px 0 4px; }
        .banner { padding: 12px 14px; border-radius: 8px; color: #fff; font-weight: 600; margin-bottom: 12px; }
        .banner.good { background: var(--good); } .banner.bad { background: var(--bad); }
        .banner ul { margin: 6px 0 0 18px; padding: 0; font-weight: 400; }
        .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 12px; }
        .card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
        .release { font-size: 22px; font-weight: 700; font-family: ui-monospace, monospace; word-break: break-all; }
        .muted { color: var(--muted); font-size: 13px; }
        .badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; margin: 0 4px 4px 0; }
        .good .dot, .badge.good { background: var(--good); } .bad .dot, .badge.bad { background: var(--bad); }
        .warn .dot, .badge.warn { background: var(--warn); } .busy .dot, .badge.busy { background: var(--busy); }
        ul.rows { list-style: none; margin: 0; padding: 0; }
        ul.rows li { padding: 4px 0; border-top: 1px solid #eaeef2; font-size: 14px; overflow-wrap: anywhere; }
        .dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 6px; }
        code { font-family: ui-monospace, monospace; font-size: 13px; }
        footer { color: var(--muted); font-size: 12px; margin: 14px 0; }
        </style>
        </head>
        <body>
        <main>
        <h1>gantry status</h1>
        {{#ok}}<div class="banner good">All environments and runners are healthy</div>{{/ok}}
        {{^ok}}<div class="banner bad">Needs attention<ul>{{#problems}}<li>{{.}}</li>{{/problems}}</ul></div>{{/ok}}
        <div class="grid">
        {{#environments}}
        <section class="card">
        <h2>{{name}}</h2>
        <div>{{#badges}}<span class="badge {{tone}}">{{text}}</span>{{/badges}}</div>
        <div class="release">{{current}}</div>
        <div class="muted">last good: <code>{{lastGood}}</code> {{waiting}}</div>
        {{#rollout}}<div class="muted">rolling out {{rollout}}</div>{{/rollout}}
        {{#lock}}<div class="muted">locked by {{holder}} {{since}}{{#reason}}: {{reason}}{{/reason}}</div>{{/lock}}
        {{#frozen}}<div class="muted">frozen by {{by}} {{since}}: {{reason}}</div>{{/frozen}}
        {{#hasChecks}}<h3>Checks</h3>{{/hasChecks}}
        <ul class="rows">{{#checks}}<li class="{{tone}}"><span class="dot"></span><b>{{name}}</b> {{state}} <span class="muted">{{when}} · {{message}}</span></li>{{/checks}}</ul>
        <h3>Deployments</h3>
        <ul class="rows">{{#deployments}}<li class="{{tone}}"><span class="dot"></span><code>{{release}}</code> {{kind}} {{outcome}}{{#code}} <code>{{code}}</code>{{/code}}{{#breakGlass}} <strong class="bad" title="{{breakGlass}}">break glass</strong>{{/breakGlass}} <span class="muted">{{when}}{{#runner}} on {{runner}}{{/runner}}{{#reason}} · {{reason}}{{/reason}}</span></li>{{/deployments}}{{^deployments}}<li class="muted">none yet</li>{{/deployments}}</ul>
        </section>
        {{/environments}}
        {{#hasRunners}}
        <section class="card">
        <h2>Runners</h2>
        <ul class="rows">{{#runners}}<li class="{{tone}}"><span class="dot"></span><b>{{name}}</b> {{state}} <span class="muted">{{when}} · {{message}}</span></li>{{/runners}}</ul>
        {{#hasFailovers}}<h3>Failovers</h3>{{/hasFailovers}}
        <ul class="rows">{{#failovers}}<li class="warn"><span class="dot"></span>{{environment}}: {{from}} → {{to}} <span class="muted">{{when}} · {{reason}}</span></li>{{/failovers}}</ul>
        </section>
        {{/hasRunners}}
        </div>
        <footer>gantry {{version}} · {{generated}} · refreshes every {{refresh}}s</footer>
        </main>
        </body>
        </html>
        """#
}
