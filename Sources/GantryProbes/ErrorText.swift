import AsyncHTTPClient
import NIOCore
import NIOPosix
import NIOSSL

/// Turns the errors of NIO, AsyncHTTPClient and NIOSSL into short sentences an operator
/// understands: "connection refused", "timed out", "TLS: certificate not trusted".
enum ErrorText {
    static func describe(_ error: any Error, target: String) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "timed out connecting to \(target)"
            case .deadlineExceeded, .readTimeout: return "no answer from \(target) in time"
            case .remoteConnectionClosed: return "\(target) closed the connection without answering"
            case .redirectLimitReached, .redirectCycleDetected: return "too many redirects from \(target)"
            default: break
            }
        }
        if let error = error as? NIOConnectionError {
            if let first = error.connectionErrors.first { return describe(first.error, target: target) }
            if let dns = error.dnsAAAAError ?? error.dnsAError { return "cannot resolve the host of \(target): \(dns)" }
        }
        if let error = error as? IOError {
            return "\(posixText(error.errnoCode)) (\(target))"
        }
        if let error = error as? ChannelError {
            switch error {
            case .connectTimeout: return "timed out connecting to \(target)"
            case .eof, .ioOnClosedChannel, .alreadyClosed: return "\(target) closed the connection"
            default: return "\(target): \(error)"
            }
        }
        if let error = error as? NIOSSLError {
            return "TLS with \(target) failed: \(error)"
        }
        if let error = error as? BoringSSLError {
            return "TLS with \(target) failed: \(error)"
        }
        if error is CancellationError { return "stopped before \(target) answered" }
        let text = "\(error)"
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused (\(target))" }
        return "\(target): \(text)"
    }

    static func posixText(_ code: Int32) -> String {
        switch code {
        case 111: "connection refused"
        case 110: "timed out"
        case 113: "no route to host"
        case 101: "network unreachable"
        case 104: "connection reset by peer"
        default: "error \(code)"
        }
    }
}
