/// Reason codes recognized in what a command printed: the lines of ssh, Ansible, the kernel
/// and the C library that name a cause more precisely than an exit status does.
///
/// The most specific signature wins on a line: Ansible's `UNREACHABLE!` line quotes ssh's
/// own error, and "Could not resolve hostname" in it says more than "unreachable" does.
package enum OutputSignatures {
    /// Each code with the fragments that show it, most specific first.
    static let table: [(code: ReasonCode, fragments: [String])] = [
        (.dnsFailure, ["Could not resolve hostname", "Name or service not known", "Temporary failure in name resolution", "nodename nor servname provided"]),
        (.authFailed, ["Permission denied (publickey", "Decryption failed", "no vault secrets were found", "Authentication failed", "Host key verification failed"]),
        (.diskFull, ["No space left on device", "ENOSPC", "Disk quota exceeded"]),
        (.oomKilled, ["Out of memory: Killed process", "oom-kill:", "Memory cgroup out of memory"]),
        (.hostUnreachable, ["UNREACHABLE!", "Connection refused", "Connection timed out", "No route to host", "Network is unreachable", "Connection reset by peer"]),
    ]

    /// The code this line shows, if any.
    package static func recognize(_ line: Substring) -> ReasonCode? {
        for (code, fragments) in table where fragments.contains(where: { line.contains($0) }) {
            if code == .hostUnreachable, !mentionsConnection(line) { continue }
            return code
        }
        return nil
    }

    package static func recognize(_ line: String) -> ReasonCode? { recognize(line[...]) }

    /// "Connection refused" from curl against the app is not a host being unreachable over
    /// ssh; the words count when the line is about ssh or Ansible.
    private static func mentionsConnection(_ line: Substring) -> Bool {
        line.contains("UNREACHABLE!") || line.contains("ssh") || line.contains("connect to host")
    }
}
