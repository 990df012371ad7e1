import Yams

/// `rollout:` and `protect.alertmanager:`: the batches a deploy goes out in, and the
/// incident gate that may refuse or stop it.
extension EnvironmentParser {
    /// `rollout: { batches: [1, pause, "10%", pause: 10m, "100%"], bake: 2m }`; sizes of one
    /// kind must grow; a pause step stands between two sizes.
    func rolloutConfig(_ fields: YAMLFields) -> RolloutConfig? {
        let bake = fields.duration("bake", allowZero: true) ?? .zero
        let pauseTimeout = fields.duration("pause_timeout") ?? RolloutConfig.defaultPauseTimeout
        let listPath = fields.path.key("batches")
        guard let node = fields.value("batches", required: true), let items = reader.sequence(node, at: listPath) else { return nil }
        guard !items.isEmpty else {
            reader.fail(node, listPath, "must list at least one batch", hint: "batches: [1, \"10%\", \"100%\"] deploys one canary, then a tenth of the hosts, then the rest")
            return nil
        }
        var sizes: [RolloutConfig.Size] = []
        var pauses: [Int: RolloutConfig.PauseStep] = [:]
        var lastHosts = 0
        var lastShare = 0
        for (offset, item) in items.enumerated() {
            let itemPath = listPath.index(offset)
            let text = (item.scalar?.string ?? "").trimmingWhitespace()
            if let step = pauseStep(item, at: itemPath) {
                if sizes.isEmpty {
                    reader.fail(item, itemPath, "a pause cannot come before the first batch", hint: "write it after the batch it holds back from the next, e.g. [1, pause, \"100%\"]")
                } else if pauses[sizes.count - 1] != nil {
                    reader.fail(item, itemPath, "two pauses in a row", hint: "one pause step between two batches")
                } else if offset == items.count - 1 {
                    reader.fail(item, itemPath, "a pause after the last batch holds nothing back", hint: "pause between two batches, e.g. [1, pause, \"100%\"]")
                }
                pauses[sizes.count - 1] = step
                continue
            }
            let size: RolloutConfig.Size
            if text.hasSuffix("%"), let share = Int(text.dropLast()), (1...100).contains(share) {
                size = .percent(share)
            } else if item.scalar?.style == .plain, let count = Int(text), count >= 1 {
                size = .hosts(count)
            } else {
                reader.fail(item, itemPath, "\(item.describedValue) is not a number of hosts (such as 1), a share of them (such as \"10%\", up to \"100%\") or a pause step (pause, or pause: 10m)")
                continue
            }
            switch size {
            case .hosts(let count):
                if count <= lastHosts { reader.fail(item, itemPath, "\(count) hosts does not reach beyond the \(lastHosts) of an earlier batch", hint: "sizes are cumulative: each batch says how many hosts run the release once it is done") }
                lastHosts = max(lastHosts, count)
            case .percent(let share):
                if share <= lastShare { reader.fail(item, itemPath, "\(share)% does not reach beyond the \(lastShare)% of an earlier batch", hint: "sizes are cumulative: each batch says what share of the hosts runs the release once it is done") }
                lastShare = max(lastShare, share)
            }
            sizes.append(size)
        }
        var onPause = RolloutConfig.OnPause.wait
        if let text = fields.string("on_pause"), let node = fields.node("on_pause") {
            if let value = RolloutConfig.OnPause(rawValue: text) { onPause = value } else {
                reader.fail(node, fields.path.key("on_pause"), "'\(text)' is not wait or exit")
            }
        }
        var rollout = RolloutConfig(batches: sizes, bake: bake, pauseTimeout: pauseTimeout, onPause: onPause)
        rollout.pauses = pauses
        return rollout
    }

    /// A pause step of `batches`: `pause`, or `pause: 10m`; nil for anything else.
    private func pauseStep(_ item: Node, at path: ConfigKeyPath) -> RolloutConfig.PauseStep? {
        if item.scalar?.string.trimmingWhitespace() == "pause" { return .untilPromoted }
        guard let mapping = item.mapping, mapping.count == 1, let key = mapping.first?.key, key.scalar?.string == "pause", let value = mapping.first?.value else { return nil }
        if let text = value.scalar?.string, ["", "~", "null"].contains(text) { return .untilPromoted }
        if value.mapping?.isEmpty == true { return .untilPromoted }
        return reader.duration(value, at: path.key("pause")).map { .timed($0) } ?? .timed(.seconds(1))
    }

    /// `approvals: { required: 1, allowed_signers: ops/allowed_signers, ttl: 24h }`.
    func approvalsConfig(_ fields: YAMLFields) -> ApprovalsConfig? {
        let required = fields.int("required", range: 1...10) ?? 1
        let signers = fields.string("allowed_signers", required: true)
        if let signers, signers.isEmpty, let node = fields.node("allowed_signers") {
            reader.fail(node, fields.path.key("allowed_signers"), "is empty", hint: "the path of an OpenSSH allowed_signers file, relative to this file, e.g. ops/allowed_signers")
        }
        let ttl = fields.duration("ttl") ?? ApprovalsConfig.defaultTTL
        fields.finish()
        guard let signers, !signers.isEmpty else { return nil }
        return ApprovalsConfig(required: required, allowedSigners: signers, ttl: ttl)
    }

    /// `protect.alertmanager: { url, matchers, on_unreachable, timeout }`.
    func alertGateConfig(_ fields: YAMLFields) -> AlertGateConfig? {
        let url = fields.string("url", required: true)
        if let url, let node = fields.node("url") {
            validateInterpolation(url, node: node, path: fields.path.key("url"), credential: true, isURL: true)
            if !url.hasPrefix("${"), !url.hasPrefix("http://"), !url.hasPrefix("https://") {
                reader.fail(node, fields.path.key("url"), "'\(url)' does not start with http:// or https://")
            }
        }
        let matchers = fields.stringList("matchers") ?? []
        if let node = fields.node("matchers") {
            if matchers.isEmpty {
                reader.fail(node, fields.path.key("matchers"), "lists no matchers", hint: "e.g. ['severity=\"critical\"', 'env=\"production\"']: without one every alert would block deploys")
            }
            for (offset, matcher) in matchers.enumerated() where !AlertGateConfig.isMatcher(matcher) {
                reader.fail(node.sequence?[offset] ?? node, fields.path.key("matchers").index(offset), "'\(matcher)' is not a label matcher", hint: "write name=\"value\", name!=\"value\", name=~\"regex\" or name!~\"regex\"")
            }
        } else if let node = fields.node("url") {
            reader.fail(node, fields.path.key("matchers"), "is missing", hint: "name the alerts that block deploys, e.g. matchers: ['severity=\"critical\"']")
        }
        var onUnreachable = AlertGateConfig.OnUnreachable.block
        if let text = fields.string("on_unreachable"), let node = fields.node("on_unreachable") {
            if let value = AlertGateConfig.OnUnreachable(rawValue: text) { onUnreachable = value } else {
                reader.fail(node, fields.path.key("on_unreachable"), "'\(text)' is not block or allow")
            }
        }
        let timeout = fields.duration("timeout") ?? .seconds(5)
        var duringRollout = AlertGateConfig.DuringRollout.rollback
        if let text = fields.string("during_rollout"), let node = fields.node("during_rollout") {
            if let value = AlertGateConfig.DuringRollout(rawValue: text) { duringRollout = value } else {
                reader.fail(node, fields.path.key("during_rollout"), "'\(text)' is not rollback or pause")
            }
        }
        guard let url else { return nil }
        return AlertGateConfig(url: url, matchers: matchers, onUnreachable: onUnreachable, timeout: timeout, duringRollout: duringRollout)
    }
}
