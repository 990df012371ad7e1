/// Why a query got no answer, phrased for a person.
package struct QueryFailure: Error, Sendable, Hashable {
    package var message: String

    package init(message: String) {
        self.message = message
    }
}
