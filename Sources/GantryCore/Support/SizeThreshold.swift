/// A threshold on space or memory, either absolute (`512MiB`, `2GB`) or a share of the
/// total (`10%`). Disk and memory checks compare against it.
package enum SizeThreshold: Sendable, Hashable, CustomStringConvertible {
    case bytes(UInt64)
    case percent(Double)

    /// Parses `512MiB`, `2GiB`, `100MB`, `4096B`, `10%`. Decimal units (kB, MB, GB, TB) are
    /// powers of 1000 and binary units (KiB, MiB, GiB, TiB) powers of 1024, as their names say.
    package static func parse(_ text: String) -> SizeThreshold? {
        let trimmed = text.trimmingWhitespace()
        if trimmed.hasSuffix("%") {
            guard let value = Double(trimmed.dropLast().trimmingWhitespace()), value >= 0, value <= 100 else {
                return nil
            }
            return .percent(value)
        }
        guard let bytes = parseBytes(trimmed) else { return nil }
        return .bytes(bytes)
    }

    /// Parses an absolute size only (no percent).
    static func parseBytes(_ text: String) -> UInt64? {
        let trimmed = text.trimmingWhitespace()
        guard let unitStart = trimmed.firstIndex(where: { $0.isLetter }) else { return nil }
        guard let value = Double(trimmed[..<unitStart].trimmingWhitespace()), value >= 0 else { return nil }
        let multiplier: Double
        switch trimmed[unitStart...].lowercased() {
        case "b": multiplier = 1
        case "kb": multiplier = 1e3
        case "mb": multiplier = 1e6
        case "gb": multiplier = 1e9
        case "tb": multiplier = 1e12
        case "kib": multiplier = 1024
        case "mib": multiplier = 1024 * 1024
        case "gib": multiplier = 1024 * 1024 * 1024
        case "tib": multiplier = 1024 * 1024 * 1024 * 1024
        default: return nil
        }
        let bytes = value * multiplier
        guard bytes.isFinite, bytes < 1.8e19 else { return nil }
        return UInt64(bytes.rounded())
    }

    package var description: String {
        switch self {
        case .bytes(let bytes): return SizeThreshold.format(bytes)
        case .percent(let value): return value == value.rounded() ? "\(Int(value))%" : "\(value)%"
        }
    }

    /// A short human form in binary units: `512MiB`, `1.5GiB`.
    package static func format(_ bytes: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 || value == value.rounded() { return "\(Int(value))\(units[unit])" }
        return "\((value * 10).rounded() / 10)\(units[unit])"
    }
}
