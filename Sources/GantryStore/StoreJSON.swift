import Foundation

/// JSON columns (origins, journal events) as both stores write them: sorted keys, so equal
/// values are equal text.
enum StoreJSON {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}

extension Date {
    /// The instant at the millisecond precision both stores keep. PostgreSQL keeps
    /// microseconds, and a date written as a binary fraction can come back a microsecond
    /// short (.415999 for .416); rounding on read keeps both stores telling the same time.
    var millisecondPrecision: Date {
        Date(timeIntervalSince1970: (timeIntervalSince1970 * 1000).rounded() / 1000)
    }
}
