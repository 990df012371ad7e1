package import GantryCore

extension StoreLocation {
    /// Why the state store's location could not be worked out.
    package enum Unresolved: Error, Sendable {
        /// Bad input: an unset `${VAR}`, a URL that is not one (exit 2).
        case usage(String)
        case store(StoreError)
    }

    /// Where the state lives: `flag` (`--state`), then `$GANTRY_STATE` (both relative to
    /// `workingDirectory`), then the config's `state:` (relative to the config file), whose
    /// whole-`${VAR}` form is read from `processEnvironment`.
    package static func resolve(
        flag: String?, config: GantryConfig?, processEnvironment: [String: String], workingDirectory: String
    ) throws(Unresolved) -> StoreLocation {
        do {
            if let url = flag ?? processEnvironment["GANTRY_STATE"] {
                return try StoreLocation.parse(url, relativeTo: workingDirectory)
            }
            var state = config?.state ?? GantryConfig.defaultState
            if let variable = DeferredURL.variable(in: state) {
                guard let value = processEnvironment[variable] else {
                    throw Unresolved.usage("state: ${\(variable)} is not set; export the variable that holds the state store URL")
                }
                state = value
            }
            return try StoreLocation.parse(state, relativeTo: config?.directory ?? workingDirectory)
        } catch let unresolved as Unresolved {
            throw unresolved
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .usage("state: \(error)")
        }
    }
}
