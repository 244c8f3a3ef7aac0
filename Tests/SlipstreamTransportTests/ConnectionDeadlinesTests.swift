import NIOCore
@testable import SlipstreamTransport
import Testing

@Suite("Connection deadlines: NIO deadlines from timeouts, and the sweep")
struct ConnectionDeadlinesTests {
  @Test("a timeout becomes now plus it; a past one is due now; one NIO cannot count is never")
  func deadlinesFromDurations() throws {
    let before = NIODeadline.now()
    let soon = try #require(NIODeadline.after(.milliseconds(250)))
    let after = NIODeadline.now()
    #expect(soon >= before + .milliseconds(250) && soon <= after + .milliseconds(250))
    // Negative durations (a deadline already passed) are due at once, never later than now.
    #expect(try #require(NIODeadline.after(.milliseconds(-500))) <= NIODeadline.now())
    #expect(try #require(NIODeadline.after(.seconds(-3))) <= NIODeadline.now())
    // grpc-timeout allows 99,999,999 hours (~11,400 years): beyond NIO's ~292 years, no timer.
    #expect(NIODeadline.after(.seconds(99_999_999 * 3_600)) == nil)
    #expect(NIODeadline.after(.seconds(Int64.max)) == nil)
    #expect(NIODeadline.of(ContinuousClock.now.advanced(by: .seconds(99_999_999 * 3_600))) == nil)
  }

  @Test("the sweep returns the overdue calls and the earliest deadline of the others, skipping calls without one")
  func sweep() {
    let now = NIODeadline.now()
    let calls: [(name: String, deadline: NIODeadline?)] = [
      ("overdue", now - .seconds(1)), ("later", now + .seconds(60)), ("none", nil),
      ("sooner", now + .seconds(5)), ("also overdue", now - .milliseconds(1)),
    ]
    let (overdue, next) = ConnectionDeadlineTimer.sweep(calls) { $0.deadline }
    #expect(overdue.map(\.name) == ["overdue", "also overdue"])
    #expect(next == now + .seconds(5))
    let (none, nothing) = ConnectionDeadlineTimer.sweep(calls.filter { $0.deadline == nil }) { $0.deadline }
    #expect(none.isEmpty && nothing == nil)
  }
}
