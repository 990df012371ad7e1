/// Where a deployment or lock came from: enough to find the job that holds production.
package struct Origin: Sendable, Hashable, Codable {
    package var host: String
    package var pid: Int32
    package var runner: String?
    /// `GITHUB_ACTOR`, or the local user.
    package var actor: String?
    /// A link to the CI run, when there is one.
    var runURL: String?
    package var commit: String?
    /// Which machine, boot and PID namespace the process ran in, and when it started: what
    /// tells a dead holder from a live one in another container with the same host name, and
    /// a reused pid from the original process. Nil in records of older versions.
    var process: ProcessIdentity?

    package init(
        host: String, pid: Int32, runner: String? = nil, actor: String? = nil, runURL: String? = nil, commit: String? = nil,
        process: ProcessIdentity? = nil
    ) {
        self.host = host
        self.pid = pid
        self.runner = runner
        self.actor = actor
        self.runURL = runURL
        self.commit = commit
        self.process = process
    }

    /// `runner primary (host ci-01, pid 4242, by alice)`.
    package var summary: String {
        var parts = ["host \(host)", "pid \(pid)"]
        if let actor { parts.append("by \(actor)") }
        var text = parts.joined(separator: ", ")
        if let runner { text = "runner \(runner) (\(text))" }
        if let runURL { text += " \(runURL)" }
        return text
    }
}
