package import GantryCore

/// Who owns the stores a process opens: it adopts each one before its first use, runs its
/// background work (`StateStore.run()`) for as long as the process needs it, and closes it.
package protocol StoreOwner: Sendable {
    func adopt(_ store: any StateStore) async
    /// Forgets a store it adopted that was closed before it was handed out (there was no
    /// schema to read), so a command that polls for a store does not pile up dead ones.
    func release(_ store: any StateStore) async
}
