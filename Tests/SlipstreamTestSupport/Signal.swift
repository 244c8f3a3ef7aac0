import SlipstreamRPC

/// A one-shot signal a test can await instead of sleeping: `wait()` returns once `fire()` has
/// been called, before or after. The runtime's own `OneShotSignal`.
package typealias Signal = OneShotSignal
