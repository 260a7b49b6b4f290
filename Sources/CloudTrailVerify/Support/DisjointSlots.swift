/// Results of one batch of work spread over threads (`DispatchQueue.concurrentPerform`): each worker writes only
/// its own slots, and the slots are read once every worker is done.
///
/// Raw memory, not an array: workers touch disjoint slots and never an array's shared header.
final class DisjointSlots<Element>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Element?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    /// Called by the one worker that owns `slot`.
    func store(_ element: Element?, at slot: Int) { slots[slot] = element }

    /// Read after every worker is done (`concurrentPerform` returns only then).
    subscript(slot: Int) -> Element? { slots[slot] }
}
