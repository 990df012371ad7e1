import Foundation
import GantryCore

/// JSON output on standard output, in the form every JSON view shares (`JSONDocument`).
package enum JSONOutput {
    package static func encode(_ value: some Encodable) -> String {
        String(decoding: JSONDocument.encode(value), as: UTF8.self) + "\n"
    }

    package static func print(_ value: some Encodable) {
        Console.write(encode(value), to: STDOUT_FILENO)
    }
}
