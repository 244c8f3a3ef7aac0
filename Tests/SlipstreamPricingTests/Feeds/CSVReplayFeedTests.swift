import Foundation
import SlipstreamDomain
@testable import SlipstreamPricing
import Synchronization
import Testing

@Suite("CSV replay feed")
struct CSVReplayFeedTests {
  static let sample = """
    timestamp,symbol,bid,ask,bid_size,ask_size
    # a comment line
    2024-03-05T14:30:00.000Z,AAPL,170.10,170.12,300,200
    2024-03-05T14:30:00.250Z,MSFT,410.00,410.05,100,100

    1709649000500000000,AAPL,170.11,170.13,200,100
    2024-03-05T14:30:00.750Z,AAPL,170.14,170.12,100,100
    """

  @Test("replays the wanted symbols in order with their recorded times; bad quotes still reach the hub's checks")
  func replays() async throws {
    let clock = TestClock()
    let feed = try CSVReplayFeed(text: Self.sample, speed: .asFastAsPossible, now: clock.function)
    #expect(feed.symbols == [sym("AAPL"), sym("MSFT")])
    #expect(feed.support(for: sym("AAPL")) == .supported)
    #expect(feed.support(for: sym("TSLA")) == .unknownSymbol)
    let (symbols, wanted) = AsyncStream.makeStream(of: Set<Symbol>.self)
    wanted.yield([sym("AAPL")])
    let delivered = DeliveredQuotes()
    // The replay ends by itself after the last line.
    let wantedStream = symbols
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await feed.run(symbols: wantedStream) { delivered.append($0) } }
      try await group.next()
      group.cancelAll()
    }
    wanted.finish()
    let quotes = delivered.all
    #expect(quotes.map(\.eventTime.nanosecondsSinceEpoch) == [1_709_649_000_000_000_000, 1_709_649_000_500_000_000, 1_709_649_000_750_000_000])
    #expect(quotes.map(\.bid) == ["170.10", "170.11", "170.14"])
    #expect(quotes.allSatisfy { $0.receiveTime == clock.now })
    let hub = QuoteHub(source: feed.name)
    #expect(quotes.map { hub.publish($0) } == [nil, nil, .crossed])
  }

  @Test("a faster replay keeps the order (speed × 1000)")
  func multipliedSpeed() async throws {
    let feed = try CSVReplayFeed(text: Self.sample, speed: .multiplied(1_000), now: TestClock().function)
    let (symbols, wanted) = AsyncStream.makeStream(of: Set<Symbol>.self)
    wanted.yield([sym("AAPL"), sym("MSFT")])
    let delivered = DeliveredQuotes()
    try await feed.run(symbols: symbols) { delivered.append($0) }
    #expect(delivered.all.map(\.symbol.value) == ["AAPL", "MSFT", "AAPL", "AAPL"])
  }

  @Test("the replay waits for the first subscription instead of playing to nobody")
  func waitsForSubscription() async throws {
    let feed = try CSVReplayFeed(text: Self.sample, speed: .asFastAsPossible, now: TestClock().function)
    let (symbols, wanted) = AsyncStream.makeStream(of: Set<Symbol>.self)
    wanted.yield([])
    let delivered = DeliveredQuotes()
    let (firstQuote, firstQuoteSeen) = AsyncStream.makeStream(of: Void.self)
    let run = Task { try await feed.run(symbols: symbols) { delivered.append($0); firstQuoteSeen.yield() } }
    // Give the replay every chance to run ahead: it must not, since nothing is wanted yet.
    for _ in 0..<1_000 { await Task.yield() }
    #expect(delivered.all.isEmpty)
    wanted.yield([sym("MSFT")])
    for await _ in firstQuote { break }
    try await run.value
    #expect(delivered.all.map(\.symbol.value) == ["MSFT"])
  }

  @Test("a feed whose service stops before any subscription ends without replaying")
  func endsWithoutSubscription() async throws {
    let feed = try CSVReplayFeed(text: Self.sample, speed: .asFastAsPossible, now: TestClock().function)
    let (symbols, wanted) = AsyncStream.makeStream(of: Set<Symbol>.self)
    wanted.finish()
    let delivered = DeliveredQuotes()
    try await feed.run(symbols: symbols) { delivered.append($0) }
    #expect(delivered.all.isEmpty)
  }

  @Test("malformed files are refused with the line and the problem",
        arguments: [
          ("", "<csv>: the file is empty; it needs a header line"),
          ("time,symbol,bid,ask,bid_size,ask_size\n", "<csv>:1: the header must be timestamp,symbol,bid,ask,bid_size,ask_size, found time,symbol,bid,ask,bid_size,ask_size"),
          ("timestamp,symbol,bid,ask,bid_size,ask_size\n2024-03-05T14:30:00Z,AAPL,1,2,3\n", "<csv>:2: expected 6 fields, found 5"),
          ("timestamp,symbol,bid,ask,bid_size,ask_size\nyesterday,AAPL,1,2,3,4\n",
           "<csv>:2: timestamp: \"yesterday\" is neither RFC 3339 (2024-03-05T14:30:00Z) nor integer nanoseconds"),
          ("timestamp,symbol,bid,ask,bid_size,ask_size\n5,AAPL,1.x,2,3,4\n", "<csv>:2: bid: "),
          ("timestamp,symbol,bid,ask,bid_size,ask_size\n5,!!!,1,2,3,4\n", "<csv>:2: symbol: "),
          ("timestamp,symbol,bid,ask,bid_size,ask_size\n5,AAPL,1,2,3,4\n4,AAPL,1,2,3,4\n",
           "<csv>:3: timestamp goes back in time; lines must be in time order"),
        ])
  func malformed(text: String, message: String) {
    #expect {
      _ = try CSVReplayFeed(text: text, speed: .asFastAsPossible, now: TestClock().function)
    } throws: { error in
      "\(error)".hasPrefix(message)
    }
  }

  @Test("a missing file and a bad speed are refused clearly")
  func badArguments() {
    #expect(throws: CSVReplayError(path: "<csv>", line: nil, problem: "speed must be a positive number, not 0.0")) {
      _ = try CSVReplayFeed(text: Self.sample, speed: .multiplied(0), now: TestClock().function)
    }
    #expect {
      _ = try CSVReplayFeed(path: "/nonexistent/quotes.csv", speed: .asFastAsPossible, now: TestClock().function)
    } throws: { error in
      "\(error)".hasPrefix("/nonexistent/quotes.csv: cannot read the file")
    }
  }

  @Test("loads a file from disk")
  func loadsFile() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("quotes-\(UUID().uuidString).csv").path
    try Self.sample.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let feed = try CSVReplayFeed(path: path, speed: .asFastAsPossible, now: TestClock().function)
    #expect(feed.rows.count == 4)
  }
}

final class DeliveredQuotes: Sendable {
  private let quotes = Mutex<[Quote]>([])
  func append(_ quote: Quote) { quotes.withLock { $0.append(quote) } }
  var all: [Quote] { quotes.withLock { $0 } }
}
