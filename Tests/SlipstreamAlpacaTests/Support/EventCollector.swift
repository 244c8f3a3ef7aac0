import SlipstreamAlpaca

/// Reads a stream's events on a task of its own and hands them out in order.
final class EventCollector: Sendable {
  private let mailbox = Mailbox<AlpacaStreamEvent>()

  init(_ events: AsyncStream<AlpacaStreamEvent>) {
    Task { [mailbox] in
      for await event in events { mailbox.put(event) }
      mailbox.finish()
    }
  }

  /// The next event; throws if the stream ends or nothing comes within 10 s.
  func next() async throws -> AlpacaStreamEvent {
    let event = try await withTimeout(seconds: 10, "the next stream event") { await self.mailbox.take() }
    guard let event else { throw StandIn.Failure(description: "the event stream ended") }
    return event
  }

  /// Whether the event stream has finished (after all buffered events were taken).
  func isFinished() async throws -> Bool {
    try await withTimeout(seconds: 10, "the end of the event stream") { await self.mailbox.take() } == nil
  }
}
