import SlipstreamRPC
import Synchronization

/// One StreamQuotes call's responses, taken from its mailbox by whoever sends them (the
/// transport's event loop; see ``ResponseSource``): each pending quote becomes one
/// `StreamQuotesResponse` written around the quote's shared encoding, numbered per stream.
final class QuoteStreamSource: ResponseSource {
  /// What only the reader touches (`takeReady` runs on one thread at a time; the lock is never
  /// contended, it only shows that to the type checker).
  private struct Reader {
    /// Responses sent on this stream so far (the `sequence` field).
    var sent: UInt64 = 0
    /// The deliveries of the current take; kept between takes so a take allocates nothing.
    var deliveries: [QuoteMailbox.Delivery] = []
  }

  private let mailbox: QuoteMailbox
  private let metrics: PricingMetrics
  private let reader = Mutex(Reader())
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
    var collected = ResponseMessageArray()
    takeReady(into: &collected)
    return collected.messages
  }

  func takeReady(into writer: inout some ResponseMessageWriter) {
    reader.withLock { reader in
      guard let taken = mailbox.takeAll(into: &reader.deliveries) else { return }
      if taken.finished { finished.store(true, ordering: .relaxed) }
      var sequence = reader.sent
      var skipped: UInt64 = 0
      let totalSkipped = taken.totalSkipped
      for delivery in reader.deliveries {
        sequence += 1
        skipped += delivery.skipped
        let quote = delivery.quote.encoded
        let length = StreamQuoteEncoding.responseLength(
          quoteLength: quote.count, sequence: sequence, skipped: delivery.skipped, totalSkipped: totalSkipped)
        writer.writeMessage(length: length) { out in
          StreamQuoteEncoding.write(
            quote: quote, sequence: sequence, skipped: delivery.skipped, totalSkipped: totalSkipped, into: out)
        }
      }
      for ending in taken.endings {
        sequence += 1
        let response = StreamQuoteEncoding.response(ending: ending, sequence: sequence, totalSkipped: totalSkipped)
        writer.writeMessage(length: response.count) { out in
          response.withUnsafeBytes { out.copyMemory(from: $0) }
        }
      }
      reader.sent = sequence
      metrics.delivered(reader.deliveries.count)
      metrics.skipped(Int(truncatingIfNeeded: skipped))
      // The quotes are out: drop them now, keep the array's storage.
      reader.deliveries.removeAll(keepingCapacity: true)
    }
  }

  /// True once the stream carries no symbol and its last notice was taken (a mailbox becomes
  /// finished only by a take, so the take's answer is kept: no lock per drain).
  var isFinished: Bool { finished.load(ordering: .relaxed) }
}
