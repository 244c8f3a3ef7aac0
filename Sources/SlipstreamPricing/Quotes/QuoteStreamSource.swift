import SlipstreamRPC
import Synchronization

/// One StreamQuotes call's responses, taken from its mailbox by whoever sends them (the
/// transport's event loop; see ``ResponseSource``): each pending quote becomes one
/// `StreamQuotesResponse` written around the quote's shared encoding, numbered per stream.
final class QuoteStreamSource: ResponseSource {
  private let mailbox: QuoteMailbox
  private let metrics: PricingMetrics
  /// Responses sent on this stream so far (the `sequence` field). `takeReady` runs on one
  /// thread at a time; the atomic only makes that visible to the type checker cheaply.
  private let sent = Atomic<UInt64>(0)
  private let finished = Atomic<Bool>(false)

  /// - Parameters:
  ///   - mailbox: The stream's pending quotes.
  ///   - metrics: Counts deliveries and skipped quotes.
  init(mailbox: QuoteMailbox, metrics: PricingMetrics) {
    self.mailbox = mailbox
    self.metrics = metrics
  }

  func start(wake: @escaping @Sendable () -> Void) {
    mailbox.start(wake: wake)
  }

  func takeReady() -> [[UInt8]] {
    guard let (deliveries, endings, totalSkipped, finished) = mailbox.takeAll() else { return [] }
    if finished { self.finished.store(true, ordering: .relaxed) }
    var sequence = sent.load(ordering: .relaxed)
    var skipped: UInt64 = 0
    var responses = deliveries.map { delivery in
      sequence += 1
      skipped += delivery.skipped
      return StreamQuoteEncoding.response(
        quote: delivery.quote.encoded, sequence: sequence, skipped: delivery.skipped, totalSkipped: totalSkipped)
    }
    for ending in endings {
      sequence += 1
      responses.append(StreamQuoteEncoding.response(ending: ending, sequence: sequence, totalSkipped: totalSkipped))
    }
    sent.store(sequence, ordering: .relaxed)
    metrics.delivered(deliveries.count)
    metrics.skipped(Int(truncatingIfNeeded: skipped))
    return responses
  }

  /// True once the stream carries no symbol and its last notice was taken (a mailbox becomes
  /// finished only by a take, so the take's answer is kept: no lock per drain).
  var isFinished: Bool { finished.load(ordering: .relaxed) }
}
