/// No deployment in scope failed: nothing to diagnose.
package struct NothingToDiagnose: Error {
    package let scope: String?
}
