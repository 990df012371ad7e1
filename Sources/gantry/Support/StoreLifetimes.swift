import GantryCore

/// The one owner of the state stores a command opens: every store `Context.openStore` hands
/// out is adopted here, and the process closes them all before it exits (`Entry.main`), so a
/// PostgreSQL client's connections end with a goodbye rather than a dropped socket. Closing
/// is bounded: a database that no longer answers never holds an exit up for more than a
/// second.
actor StoreLifetimes {
    static let shared = StoreLifetimes()

    private var stores: [any StateStore] = []

    func adopt(_ store: any StateStore) {
        stores.append(store)
    }

    /// Closes every adopted store, all at once, giving up after `limit`.
    func closeAll(within limit: Duration = .seconds(1)) async {
        let closing = stores
        stores = []
        guard !closing.isEmpty else { return }
        _ = await Deadline.run(limit) {
            await withTaskGroup(of: Void.self) { group in
                for store in closing { group.addTask { await store.close() } }
            }
        }
    }
}
