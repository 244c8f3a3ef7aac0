import Foundation
import SlipstreamAPI
import SlipstreamDomain
@testable import SlipstreamPricing
import SwiftProtobuf
import Synchronization
import Testing

@Suite("Quote hub: cache, validation, conflating fan-out")
struct QuoteHubTests {
  @Test("quotes breaking the market rules are dropped, counted and never cached",
        arguments: [
          (quote("AAPL", bid: "10.02", ask: "10.01"), DroppedQuoteReason.crossed),
          (quote("AAPL", bid: "10.01", ask: "10.01"), .locked),
          (quote("AAPL", bid: "0", ask: "10.01"), .nonPositivePrice),
          (quote("AAPL", bid: "-1", ask: "10.01"), .nonPositivePrice),
          (Quote(symbol: sym("AAPL"), bid: "1", ask: "2", bidSize: -5, askSize: 1, eventTime: .epoch, receiveTime: .epoch), .negativeSize),
        ])
  func dropsInvalid(bad: Quote, reason: DroppedQuoteReason) {
    let hub = QuoteHub(source: "test")
    #expect(hub.publish(bad) == reason)
    #expect(hub.latest(sym("AAPL")) == nil)
    #expect(hub.statistics.dropped == [reason: 1])
    #expect(hub.statistics.accepted == 0)
  }

  @Test("each accepted quote gets the next sequence number of its symbol and is encoded once")
  func sequencesPerSymbol() throws {
    let hub = QuoteHub(source: "test")
    #expect(hub.publish(quote("AAPL", bid: "1.00", ask: "1.01")) == nil)
    #expect(hub.publish(quote("MSFT", bid: "2.00", ask: "2.01")) == nil)
    #expect(hub.publish(quote("AAPL", bid: "1.01", ask: "1.02", time: 2_000)) == nil)
    let latest = try #require(hub.latest(sym("AAPL")))
    #expect(latest.sequence == 2)
    #expect(hub.latest(sym("MSFT"))?.sequence == 1)
    let decoded = try Slipstream_Types_V1_Quote(serializedBytes: latest.encoded)
    #expect(decoded.bid.value == "1.01" && decoded.ask.value == "1.02")
    #expect(decoded.sequence == 2 && decoded.timestampNs == 2_000 && decoded.source == "test")
  }

  @Test("only upstream symbols are accepted once the service sets them; other cached quotes are forgotten")
  func acceptsOnlyUpstream() {
    let hub = QuoteHub(source: "test")
    hub.publish(quote("MSFT", bid: "2.00", ask: "2.01"))
    hub.setAccepting([sym("AAPL")])
    #expect(hub.latest(sym("MSFT")) == nil)
    #expect(hub.publish(quote("MSFT", bid: "2.00", ask: "2.01")) == .notSubscribed)
    #expect(hub.publish(quote("AAPL", bid: "1.00", ask: "1.01")) == nil)
  }

  @Test("a mailbox that is not read keeps one quote per symbol and counts the rest as skipped")
  func conflates() throws {
    let hub = QuoteHub(source: "test")
    let mailbox = QuoteMailbox(client: "slow", symbols: [sym("AAPL"), sym("MSFT")])
    hub.attach(mailbox, to: [sym("AAPL"), sym("MSFT")], snapshot: false)
    for cents in 0..<1_000 {
      hub.publish(quote("AAPL", bid: "1.\(String(format: "%03d", cents))", ask: "2"))
    }
    hub.publish(quote("MSFT", bid: "3", ask: "4"))
    hub.publish(quote("AAPL", bid: "1.5", ask: "2"))
    let (deliveries, _, total, _) = try #require(take(mailbox))
    #expect(deliveries.map(\.quote.quote.symbol) == [sym("AAPL"), sym("MSFT")])
    #expect(deliveries[0].quote.quote.bid == "1.5")
    #expect(deliveries[0].quote.sequence == 1_001)
    #expect(deliveries.map(\.skipped) == [1_000, 0])
    #expect(total == 1_000)
    #expect(hub.statistics.offered == 1_002)
  }

  @Test("attaching with a snapshot offers the cached quotes first")
  func snapshot() throws {
    let hub = QuoteHub(source: "test")
    hub.publish(quote("AAPL", bid: "1", ask: "2"))
    let mailbox = QuoteMailbox(client: "c", symbols: [sym("AAPL"), sym("MSFT")])
    hub.attach(mailbox, to: [sym("AAPL"), sym("MSFT")], snapshot: true)
    let (deliveries, _, _, _) = try #require(take(mailbox))
    #expect(deliveries.map(\.quote.quote.symbol) == [sym("AAPL")])
  }

  @Test("quotes before the attach are not counted as skipped; a snapshot starts at the cached quote")
  func skippedCountsStartAtTheAttach() throws {
    let hub = QuoteHub(source: "test")
    for _ in 0..<5 { hub.publish(quote("AAPL", bid: "1", ask: "2")) }
    let late = QuoteMailbox(client: "c", symbols: [sym("AAPL")])
    let snapshot = QuoteMailbox(client: "d", symbols: [sym("AAPL")])
    hub.attach(late, to: [sym("AAPL")], snapshot: false)
    hub.attach(snapshot, to: [sym("AAPL")], snapshot: true)
    let first = try #require(take(snapshot))
    #expect(first.deliveries.map(\.quote.sequence) == [5] && first.deliveries.map(\.skipped) == [0])
    #expect(take(late) == nil)
    hub.publish(quote("AAPL", bid: "1.1", ask: "2"))
    hub.publish(quote("AAPL", bid: "1.2", ask: "2"))
    for mailbox in [late, snapshot] {
      let next = try #require(take(mailbox))
      #expect(next.deliveries.map(\.quote.sequence) == [7] && next.deliveries.map(\.skipped) == [1])
      #expect(next.totalSkipped == 1)
    }
  }

  @Test("an offer that comes after a take already sent the latest quote sends nothing twice")
  func lateOfferSendsNothingTwice() throws {
    let (_, mailbox) = hubWithOneQuoteTaken()
    // The publisher of a newer quote sets the shared cell, then offers: a take between the
    // two sends the newer quote, and the offer then finds nothing new.
    _ = mailbox.offer(slot: try #require(mailbox.slot(of: sym("AAPL"))))
    let again = try #require(take(mailbox))
    #expect(again.deliveries.isEmpty && again.totalSkipped == 0)
  }

  @Test("a reader taking while the hub publishes gets each quote at most once, in order, and the last one; skipped + delivered = published")
  func concurrentTakesNeverRepeatOrLose() async throws {
    let hub = QuoteHub(source: "test")
    let mailbox = QuoteMailbox(client: "c", symbols: [sym("AAPL"), sym("MSFT")])
    hub.attach(mailbox, to: [sym("AAPL"), sym("MSFT")], snapshot: false)
    let published = 20_000
    let done = Atomic<Bool>(false)
    let publisher = Task.detached {
      for i in 0..<published {
        hub.publish(quote(i.isMultiple(of: 2) ? "AAPL" : "MSFT", bid: "1.\(i % 100)", ask: "2"))
      }
      done.store(true, ordering: .releasing)
    }
    var last: [Symbol: UInt64] = [:]
    var delivered = 0
    var skipped: UInt64 = 0
    var deliveries: [QuoteMailbox.Delivery] = []
    // Take while the publisher runs, then once more after it finished.
    while true {
      let finished = done.load(ordering: .acquiring)
      deliveries.removeAll(keepingCapacity: true)
      _ = mailbox.takeAll(into: &deliveries)
      for delivery in deliveries {
        let symbol = delivery.quote.quote.symbol
        let previous = last[symbol] ?? 0
        guard delivery.quote.sequence > previous else {
          Issue.record("\(symbol): sequence \(delivery.quote.sequence) after \(previous) (repeated or went back)")
          continue
        }
        #expect(delivery.skipped == delivery.quote.sequence - previous - 1)
        last[symbol] = delivery.quote.sequence
        skipped += delivery.skipped
      }
      delivered += deliveries.count
      if finished { break }
      await Task.yield()
    }
    await publisher.value
    #expect(last == [sym("AAPL"): UInt64(published / 2), sym("MSFT"): UInt64(published / 2)])
    #expect(UInt64(delivered) + skipped == UInt64(published))
    #expect(mailbox.totalSkipped == skipped)
  }

  @Test("a symbol still listened to keeps its cached quote when it leaves the accepted set (its sequence goes on)")
  func listenedSymbolKeepsItsSequence() throws {
    let (hub, mailbox) = hubWithOneQuoteTaken()
    hub.setAccepting([])
    hub.setAccepting([sym("AAPL")])
    hub.publish(quote("AAPL", bid: "1.1", ask: "2"))
    let next = try #require(take(mailbox))
    #expect(next.deliveries.map(\.quote.sequence) == [2] && next.deliveries.map(\.skipped) == [0])
  }

  @Test("an ended symbol gets a notice after its pending quote, then nothing; the last one finishes the mailbox")
  func endedSymbols() throws {
    let hub = QuoteHub(source: "test")
    let mailbox = QuoteMailbox(client: "c", symbols: [sym("AAPL"), sym("MSFT")])
    let other = QuoteMailbox(client: "d", symbols: [sym("AAPL")])
    hub.attach(mailbox, to: [sym("AAPL"), sym("MSFT")], snapshot: false)
    hub.attach(other, to: [sym("AAPL")], snapshot: false)
    let wakes = Mutex(0)
    mailbox.start { wakes.withLock { $0 += 1 } }
    hub.publish(quote("AAPL", bid: "1", ask: "2"))
    #expect(hub.end(client: "c", symbol: sym("AAPL"), reason: .evicted, detail: "why").isEmpty)  // already pending: no second wake
    #expect(hub.end(client: "c", symbol: sym("AAPL"), reason: .evicted, detail: "again").isEmpty)  // not carried any more
    hub.publish(quote("AAPL", bid: "1.1", ask: "2"))
    #expect(hub.listenerCount(sym("AAPL")) == 1)  // the other client's stream still listens
    let (deliveries, endings, _, finished) = try #require(take(mailbox))
    #expect(deliveries.map(\.quote.quote.bid) == ["1"])
    #expect(endings == [QuoteMailbox.Ending(symbol: sym("AAPL"), reason: .evicted, detail: "why", symbolsLeft: 1)])
    #expect(!finished && !mailbox.isFinished && mailbox.lastEnding == nil)
    #expect(take(other)?.deliveries.count == 1)
    // Ending the last symbol wakes the (empty) reader; the mailbox finishes once it is taken.
    let wake = hub.end(client: "c", symbol: sym("MSFT"), reason: .unsubscribed, detail: "bye")
    #expect(wake.count == 1)
    #expect(!mailbox.isFinished)
    let last = try #require(take(mailbox))
    #expect(last.endings.map(\.symbolsLeft) == [0] && last.finished)
    #expect(mailbox.isFinished && mailbox.lastEnding?.reason == .unsubscribed)
    #expect(hub.listenerCount(sym("MSFT")) == 0)
  }

  @Test("closed mailboxes get nothing")
  func closed() {
    let hub = QuoteHub(source: "test")
    let closed = QuoteMailbox(client: "c", symbols: [sym("AAPL")])
    hub.attach(closed, to: [sym("AAPL")], snapshot: false)
    closed.close()
    hub.publish(quote("AAPL", bid: "1", ask: "2"))
    #expect(hub.end(client: "c", symbol: sym("AAPL"), reason: .evicted, detail: "why").isEmpty)
    #expect(take(closed) == nil)
  }

  @Test("the reader is woken once when its mailbox stops being empty, not per quote, and not after close")
  func wakesOncePerEmptyToPending() {
    let hub = QuoteHub(source: "test")
    let mailbox = QuoteMailbox(client: "c", symbols: [sym("AAPL"), sym("MSFT")])
    let wakes = Mutex(0)
    hub.attach(mailbox, to: [sym("AAPL"), sym("MSFT")], snapshot: false)
    mailbox.start { wakes.withLock { $0 += 1 } }
    hub.publish(quote("AAPL", bid: "1", ask: "2"))
    hub.publish(quote("MSFT", bid: "1", ask: "2"))
    hub.publish(quote("AAPL", bid: "1.1", ask: "2"))
    #expect(wakes.withLock { $0 } == 1)
    #expect(take(mailbox)?.deliveries.count == 2)
    hub.publish(quote("AAPL", bid: "1.2", ask: "2"))
    #expect(wakes.withLock { $0 } == 2)
    _ = take(mailbox)
    mailbox.close()
    hub.publish(quote("AAPL", bid: "1.3", ask: "2"))
    #expect(wakes.withLock { $0 } == 2)
  }

  @Test("a stream source numbers its responses across takes and carries each quote's skipped count")
  func streamSourceNumbersResponses() throws {
    let hub = QuoteHub(source: "test")
    let mailbox = QuoteMailbox(client: "c", symbols: [sym("AAPL"), sym("MSFT")])
    hub.attach(mailbox, to: [sym("AAPL"), sym("MSFT")], snapshot: false)
    let source = QuoteStreamSource(mailbox: mailbox, metrics: PricingMetrics())
    source.start {}
    #expect(source.takeReady().isEmpty)
    hub.publish(quote("AAPL", bid: "1", ask: "2"))
    hub.publish(quote("AAPL", bid: "1.1", ask: "2"))
    hub.publish(quote("MSFT", bid: "3", ask: "4"))
    let first = try source.takeReady().map { try Slipstream_Pricing_V1_StreamQuotesResponse(serializedBytes: $0) }
    #expect(first.map(\.sequence) == [1, 2])
    #expect(first.map(\.quote.symbol.ticker) == ["AAPL", "MSFT"])
    #expect(first.map(\.quote.bid.value) == ["1.1", "3"])
    #expect(first.map(\.skipped) == [1, 0])
    #expect(first.map(\.totalSkipped) == [1, 1])
    hub.publish(quote("MSFT", bid: "3.5", ask: "4"))
    let second = try source.takeReady().map { try Slipstream_Pricing_V1_StreamQuotesResponse(serializedBytes: $0) }
    #expect(second.map(\.sequence) == [3])
    #expect(second.map(\.quote.bid.value) == ["3.5"])
  }
}

@Suite("StreamQuotesResponse envelope written around a pre-encoded quote")
struct StreamQuoteEncodingTests {
  @Test("decodes to the same message swift-protobuf would build",
        arguments: [(1, 0, 0), (127, 128, 16_383), (16_384, 5, 70_000), (UInt64.max, 1, UInt64.max), (0, 0, 0)] as [(UInt64, UInt64, UInt64)])
  func matchesProtobuf(sequence: UInt64, skipped: UInt64, total: UInt64) throws {
    var wireQuote = Slipstream_Types_V1_Quote()
    wireQuote.symbol.ticker = "AAPL"
    wireQuote.bid.value = "189.95"
    wireQuote.timestampNs = 1_700_000_000_123_456_789
    let quote: [UInt8] = try wireQuote.serializedBytes()
    let length = StreamQuoteEncoding.responseLength(
      quoteLength: quote.count, sequence: sequence, skipped: skipped, totalSkipped: total)
    let bytes = [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
      StreamQuoteEncoding.write(
        quote: quote, sequence: sequence, skipped: skipped, totalSkipped: total, into: UnsafeMutableRawBufferPointer(buffer))
      count = length
    }
    var expected = Slipstream_Pricing_V1_StreamQuotesResponse()
    expected.quote = wireQuote
    expected.sequence = sequence
    expected.skipped = skipped
    expected.totalSkipped = total
    #expect(try Slipstream_Pricing_V1_StreamQuotesResponse(serializedBytes: bytes) == expected)
    #expect(bytes == (try expected.serializedBytes() as [UInt8]))
  }
}

/// One take of `mailbox`, as the stream source makes it.
private func take(
  _ mailbox: QuoteMailbox
) -> (deliveries: [QuoteMailbox.Delivery], endings: [QuoteMailbox.Ending], totalSkipped: UInt64, finished: Bool)? {
  var deliveries: [QuoteMailbox.Delivery] = []
  guard let taken = mailbox.takeAll(into: &deliveries) else { return nil }
  return (deliveries, taken.endings, taken.totalSkipped, taken.finished)
}

/// A hub with one stream on AAPL that has taken the hub's one AAPL quote.
private func hubWithOneQuoteTaken() -> (QuoteHub, QuoteMailbox) {
  let hub = QuoteHub(source: "test")
  let mailbox = QuoteMailbox(client: "c", symbols: [sym("AAPL")])
  hub.attach(mailbox, to: [sym("AAPL")], snapshot: false)
  hub.publish(quote("AAPL", bid: "1", ask: "2"))
  #expect(take(mailbox)?.deliveries.count == 1)
  return (hub, mailbox)
}
