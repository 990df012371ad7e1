/// The runner's log directory could not be read.
package struct RunnerLogError: Error, CustomStringConvertible {
    package let description: String
}
