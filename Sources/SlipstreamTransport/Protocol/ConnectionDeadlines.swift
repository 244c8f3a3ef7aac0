import NIOCore

/// One timer for all the call deadlines of a connection, instead of one per call.
///
/// Armed for the earliest deadline it was shown: a call only re-arms it when its deadline is
/// earlier than the armed one (calls usually carry the same timeout, so a later call's
/// deadline is later and costs a comparison), and a call that ends leaves it alone. When it
/// fires, the connection ends the calls that are overdue (``sweep(_:deadline:)``) and shows
/// the timer the earliest deadline still running. Event-loop confined, like its connection.
struct ConnectionDeadlineTimer {
  private var armed: (at: NIODeadline, task: Scheduled<Void>)?

  /// Makes sure `fire` runs on `eventLoop` no later than `deadline`.
  mutating func watch(_ deadline: NIODeadline, on eventLoop: any EventLoop, fire: @escaping @Sendable () -> Void) {
    if let armed, armed.at <= deadline { return }
    armed?.task.cancel()
    armed = (deadline, eventLoop.scheduleTask(deadline: deadline, fire))
  }

  /// To be called first thing when it fired: nothing is armed any more.
  mutating func fired() { armed = nil }

  /// Disarms it (the connection closed).
  mutating func cancel() {
    armed?.task.cancel()
    armed = nil
  }

  /// Splits running calls into those whose deadline has passed and the earliest deadline of
  /// the others.
  /// - Parameter deadline: A call's deadline; nil when it has none or has ended.
  static func sweep<Calls: Sequence>(
    _ calls: Calls,
    deadline: (Calls.Element) -> NIODeadline?
  ) -> (overdue: [Calls.Element], next: NIODeadline?) {
    let now = NIODeadline.now()
    var overdue: [Calls.Element] = []
    var next: NIODeadline?
    for call in calls {
      guard let due = deadline(call) else { continue }
      if due <= now {
        overdue.append(call)
      } else if next.map({ due < $0 }) ?? true {
        next = due
      }
    }
    return (overdue, next)
  }
}

extension NIODeadline {
  /// Now plus `duration`; nil when that is further away than NIO can count (about 292
  /// years: a `grpc-timeout` may say up to 99,999,999 hours), i.e. never.
  static func after(_ duration: Duration) -> NIODeadline? {
    let (seconds, attoseconds) = duration.components
    guard seconds >= 0, seconds < 9_000_000_000 else { return seconds < 0 ? .now() : nil }
    return .now() + .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
  }

  /// The NIO deadline of a `ContinuousClock` instant; nil when it is too far away to count.
  static func of(_ instant: ContinuousClock.Instant) -> NIODeadline? {
    after(ContinuousClock.now.duration(to: instant))
  }
}
