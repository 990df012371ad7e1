import GantryCore

/// What a hold command works on: the context, the environment's name, and the state store
/// opened for writing.
func holdTarget(_ global: GlobalOptions, _ environment: String) async throws -> (context: Context, name: String, store: any StateStore) {
    let context = Context(options: global)
    let config = try context.loadConfig()
    let name = try context.environment(environment, in: config).name
    guard let store = try await context.openStore(config: config, create: true) else {
        throw Failure.usage("the state store could not be created")
    }
    return (context, name, store)
}
