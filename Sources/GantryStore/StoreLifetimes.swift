package import GantryCore

/// The one owner of the state stores a command opens. `Context.openStore` hands every store
/// to it before its first use; the root (`Entry.main`) runs their background work, a
/// PostgreSQL client's connection pool, from before the command starts until after it ended,
/// then closes them all. The pool is not the command's child: an interrupted command still
/// records its outcome through it. Ending is bounded: a database that no longer answers never
/// holds an exit up for more than a second.
package actor StoreLifetimes: StoreOwner {
    package static let shared = StoreLifetimes()

    private var stores: [any StateStore] = []
    private let adopted: AsyncStream<any StateStore>
    private let adopting: AsyncStream<any StateStore>.Continuation

    init() {
        (adopted, adopting) = AsyncStream.makeStream(of: (any StateStore).self)
    }

    package func adopt(_ store: any StateStore) {
        stores.append(store)
        adopting.yield(store)
    }

    package func release(_ store: any StateStore) {
        stores.removeAll { $0 as AnyObject === store as AnyObject }
    }

    /// Runs each adopted store's `run()` until the calling task is cancelled.
    package nonisolated func runAdopted() async {
        await withDiscardingTaskGroup { group in
            for await store in adopted {
                group.addTask { await store.run() }
            }
        }
    }

    /// Ends what `running` (the task of `runAdopted()`) runs and closes every adopted store,
    /// all at once, giving up after `limit`.
    package func closeAll(running: Task<Void, Never>, within limit: Duration = .seconds(1)) async {
        let closing = stores
        stores = []
        adopting.finish()
        running.cancel()
        _ = await Deadline.run(limit) {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await running.value }
                for store in closing { group.addTask { await store.close() } }
            }
        }
    }
}
