/// Set once, read by a loop that should end: a delivery loop stops after its round in flight.
package actor StopFlag {
    private(set) var isSet = false
    package func set() { isSet = true }
}
