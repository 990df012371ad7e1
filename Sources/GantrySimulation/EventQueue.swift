/// The simulator's agenda: events by time, ties in the order they were scheduled, so a run
/// is the same every time.
struct EventQueue<Element> {
    private var heap: [(at: Int64, order: Int, element: Element)] = []
    private var scheduled = 0

    var isEmpty: Bool { heap.isEmpty }

    mutating func push(_ element: Element, at: Int64) {
        scheduled += 1
        heap.append((at, scheduled, element))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.before(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (at: Int64, element: Element)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var first = parent
            if left < heap.count, Self.before(heap[left], heap[first]) { first = left }
            if right < heap.count, Self.before(heap[right], heap[first]) { first = right }
            if first == parent { break }
            heap.swapAt(parent, first)
            parent = first
        }
        return (top.at, top.element)
    }

    private static func before(_ a: (at: Int64, order: Int, element: Element), _ b: (at: Int64, order: Int, element: Element)) -> Bool {
        a.at != b.at ? a.at < b.at : a.order < b.order
    }
}
