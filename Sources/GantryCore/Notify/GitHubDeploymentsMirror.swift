import Foundation

/// Mirrors a deployment into GitHub's deployments API (REST, `2022-11-28`): `started` creates
/// a deployment (`ref`: the commit CI deployed, else the release) and sets it `in_progress`;
/// the outcome sets `success` or `failure`, each status with the CI run as its `log_url`; a
/// success marks the environment's previous mirrored deployment `inactive`. It rides on the
/// outbox like a webhook: retried with backoff, in order, never in a deploy's way.
struct GitHubDeploymentsMirror {
    let store: any StateStore
    let transport: any WebhookTransport

    /// One attempt for one outbox item; nil when GitHub took it, else why not (masked).
    func send(_ item: inout OutboxItem, mirror: GitHubMirror, api: String, timeout: Duration, environment: [String: String], masker: SecretMasker) async -> String? {
        guard let token = environment[mirror.tokenEnv], !token.isEmpty else { return "\(mirror.tokenEnv) (token_env) is not set" }
        guard let fields = (try? JSONSerialization.jsonObject(with: Data(item.body.utf8))) as? [String: Any] else { return "the outbox item is not gantry's JSON payload" }
        let base = (api.hasSuffix("/") ? String(api.dropLast()) : api) + "/repos/" + mirror.repo
        let headers = [
            "Authorization": "Bearer \(token)", "Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28",
            "Content-Type": "application/json", "User-Agent": "gantry",
        ]
        let release = fields["release"] as? String ?? ""
        let githubEnvironment = mirror.environment ?? (fields["environment"] as? String ?? "")
        let runURL = fields["run_url"] as? String
        func post(_ url: String, _ body: [String: Any]) async -> Result<[String: Any], QueryFailure> {
            let text = String(decoding: (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data("{}".utf8), as: UTF8.self)
            switch await transport.post(url: url, body: text, headers: headers, signing: nil, timeout: timeout) {
            case .failure(let failure):
                return .failure(QueryFailure(message: masker.mask(failure.message)))
            case .success(let answer) where (200..<300).contains(answer.status):
                return .success((try? JSONSerialization.jsonObject(with: Data(answer.body.utf8))) as? [String: Any] ?? [:])
            case .success(let answer):
                let said = ((try? JSONSerialization.jsonObject(with: Data(answer.body.utf8))) as? [String: Any])?["message"] as? String
                return .failure(QueryFailure(message: "GitHub answered HTTP \(answer.status)\(said.map { ": \(masker.mask($0))" } ?? "")"))
            }
        }
        func status(_ deployment: String, _ state: String, _ description: String) async -> String? {
            var body: [String: Any] = ["state": state, "description": String(description.prefix(140)), "environment": githubEnvironment]
            if let runURL { body["log_url"] = runURL }
            if state == "success" { body["auto_inactive"] = true }
            if case .failure(let why) = await post("\(base)/deployments/\(deployment)/statuses", body) { return why.message }
            return nil
        }
        let event = item.event
        if event == .started {
            if item.remoteID == nil {
                let body: [String: Any] = [
                    "ref": fields["commit"] as? String ?? release, "environment": githubEnvironment, "auto_merge": false, "required_contexts": [String](),
                    "description": String("gantry: \(release) (\(item.deploymentID.rawValue))".prefix(140)),
                    "payload": ["gantry_deployment_id": item.deploymentID.rawValue, "release": release],
                    "production_environment": githubEnvironment == "production",
                ]
                switch await post("\(base)/deployments", body) {
                case .failure(let why): return why.message
                case .success(let created):
                    guard let id = created["id"] as? Int else { return "GitHub created a deployment without an id" }
                    // Stored before the status is sent: a retry (by this or any deliverer) sets the
                    // status, never creates a second deployment.
                    item.remoteID = String(id)
                    try? await store.settleNotification(item)
                }
            }
            return await status(item.remoteID ?? "", "in_progress", "deploying \(release)")
        }
        let mirrored = (try? await store.notifications(of: item.deploymentID))?.first { $0.webhook == item.webhook && $0.event == .started }?.remoteID
        guard let deployment = mirrored else { return nil }
        let reason = fields["reason"] as? String ?? event.rawValue
        switch event {
        case .succeeded:
            if let failed = await status(deployment, "success", reason) { return failed }
            await inactivatePrevious(item, deployment: deployment, status: status)
            return nil
        case .paused:
            return await status(deployment, "in_progress", "paused: \(reason)")
        case .rolledBack, .failed, .interrupted:
            return await status(deployment, "failure", "\(event.rawValue.replacingOccurrences(of: "_", with: " ")): \(reason)")
        case .started, .refused, .skipped, .breakGlass:
            return nil
        }
    }

    /// The environment's previous deployment that succeeded and was mirrored is no longer what
    /// runs: `inactive`. Best effort: GitHub's `auto_inactive` does the same on its side.
    private func inactivatePrevious(_ item: OutboxItem, deployment: String, status: (String, String, String) async -> String?) async {
        guard let recent = try? await store.deployments(environment: item.environment, limit: 20) else { return }
        for record in recent where record.id.rawValue < item.deploymentID.rawValue && record.outcome == .succeeded {
            guard let previous = (try? await store.notifications(of: record.id))?.first(where: { $0.webhook == item.webhook && $0.event == .started })?.remoteID,
                  previous != deployment else { continue }
            _ = await status(previous, "inactive", "superseded by \(item.deploymentID.rawValue)")
            return
        }
    }
}
