import Foundation
import Synchronization
public import SlipstreamDomain

/// Why a CSV quote file cannot be replayed.
public struct CSVReplayError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The file.
  public let path: String
  /// 1-based line number, when the problem is on a line.
  public let line: Int?
  /// What is wrong.
  public let problem: String

  public var description: String {
    line.map { "\(path):\($0): \(problem)" } ?? "\(path): \(problem)"
  }
}

/// Replays quotes recorded in a CSV file.
///
/// Format (documented in the README): a header line naming the columns
/// `timestamp,symbol,bid,ask,bid_size,ask_size` (in that order), then one quote per line.
/// `timestamp` is RFC 3339 (`2024-03-05T14:30:00.125Z`, up to 9 fraction digits) or integer
/// nanoseconds since the epoch; prices and sizes are plain decimals (`170.12`); lines must be
/// in time order; blank lines and lines starting with `#` are skipped. Quotes that break the
/// market rules (crossed, zero, negative) are read, delivered, and dropped and counted by the
/// service like any feed's.
///
/// The replay keeps the recorded gaps between quotes, divided by `speed` (1 = real time,
/// 10 = ten times faster), or sends everything at once with `.asFastAsPossible`. Each quote
/// keeps its recorded timestamp as its event time; only symbols the service wants are sent.
/// The replay starts when the service first wants a symbol, so a file is not played out
/// before anyone subscribes.
public final class CSVReplayFeed: QuoteFeed {
  /// How fast to replay.
  public enum Speed: Sendable, Hashable {
    /// The recorded gaps divided by the factor (1 is real time).
    case multiplied(Double)
    /// No waiting.
    case asFastAsPossible
  }

  /// One recorded row.
  struct Row: Sendable {
    let time: Timestamp
    let symbol: Symbol
    let bid: Price
    let ask: Price
    let bidSize: Quantity
    let askSize: Quantity
  }

  public let name = "csv-replay"
  /// Largest file accepted.
  public static let maximumFileSize = 512 * 1024 * 1024
  static let columns = ["timestamp", "symbol", "bid", "ask", "bid_size", "ask_size"]

  let rows: [Row]
  /// Every symbol in the file.
  public let symbols: Set<Symbol>
  public let speed: Speed
  private let now: @Sendable () -> Timestamp

  /// Loads and checks the whole file.
  /// - Throws: ``CSVReplayError`` naming the line and the problem.
  public convenience init(path: String, speed: Speed, now: @escaping @Sendable () -> Timestamp) throws(CSVReplayError) {
    let data: Data
    do {
      let attributes = try FileManager.default.attributesOfItem(atPath: path)
      if let size = attributes[.size] as? Int, size > Self.maximumFileSize {
        throw CSVReplayError(path: path, line: nil, problem: "the file is \(size) bytes; at most \(Self.maximumFileSize) are replayed")
      }
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch let error as CSVReplayError {
      throw error
    } catch {
      throw CSVReplayError(path: path, line: nil, problem: "cannot read the file: \(error.localizedDescription)")
    }
    try self.init(text: String(decoding: data, as: UTF8.self), path: path, speed: speed, now: now)
  }

  /// Parses CSV text (for tests and embedding).
  /// - Throws: ``CSVReplayError`` naming the line and the problem.
  public init(text: String, path: String = "<csv>", speed: Speed, now: @escaping @Sendable () -> Timestamp) throws(CSVReplayError) {
    if case .multiplied(let factor) = speed, !(factor > 0 && factor.isFinite) {
      throw CSVReplayError(path: path, line: nil, problem: "speed must be a positive number, not \(factor)")
    }
    var rows: [Row] = []
    var header = false
    var lineNumber = 0
    for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
      lineNumber += 1
      let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
      let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
      if !header {
        guard fields.map({ $0.lowercased() }) == Self.columns else {
          throw CSVReplayError(
            path: path, line: lineNumber,
            problem: "the header must be \(Self.columns.joined(separator: ",")), found \(fields.joined(separator: ","))")
        }
        header = true
        continue
      }
      let row = try Self.parse(fields, path: path, line: lineNumber)
      if let previous = rows.last, row.time < previous.time {
        throw CSVReplayError(path: path, line: lineNumber, problem: "timestamp goes back in time; lines must be in time order")
      }
      rows.append(row)
    }
    guard header else { throw CSVReplayError(path: path, line: nil, problem: "the file is empty; it needs a header line") }
    self.rows = rows
    self.symbols = Set(rows.map(\.symbol))
    self.speed = speed
    self.now = now
  }

  public func support(for symbol: Symbol) -> FeedSymbolSupport {
    symbols.contains(symbol) ? .supported : .unknownSymbol
  }

  public func run(symbols: AsyncStream<Set<Symbol>>, deliver: @escaping @Sendable (Quote) -> Void) async throws {
    let wanted = WantedSymbols()
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask {
        for await set in symbols { wanted.set(set) }
      }
      group.addTask {
        try await self.replay(wanted: wanted, deliver: deliver)
      }
      // Either the replay ends (the service keeps its cached quotes) or the service stops.
      try await group.next()
      group.cancelAll()
    }
  }

  private func replay(wanted: WantedSymbols, deliver: @Sendable (Quote) -> Void) async throws {
    guard let first = rows.first else { return }
    // The replay starts with the first subscription, so nothing is played to nobody.
    await wanted.waitUntilAnyWanted()
    let clock = ContinuousClock()
    let start = clock.now
    for row in rows {
      try Task.checkCancellation()
      if case .multiplied(let factor) = speed {
        let offset = Double(row.time.nanosecondsSinceEpoch - first.time.nanosecondsSinceEpoch) / factor
        try await clock.sleep(until: start.advanced(by: .nanoseconds(Int64(offset))), tolerance: nil)
      }
      guard wanted.contains(row.symbol) else { continue }
      deliver(Quote(
        symbol: row.symbol, bid: row.bid, ask: row.ask, bidSize: row.bidSize, askSize: row.askSize,
        eventTime: row.time, receiveTime: now()))
    }
  }

  private static func parse(_ fields: [String], path: String, line: Int) throws(CSVReplayError) -> Row {
    guard fields.count == columns.count else {
      throw CSVReplayError(path: path, line: line, problem: "expected \(columns.count) fields, found \(fields.count)")
    }
    func fail(_ column: String, _ why: String) -> CSVReplayError {
      CSVReplayError(path: path, line: line, problem: "\(column): \(why)")
    }
    let time: Timestamp
    if let nanos = Int64(fields[0]) {
      time = Timestamp(nanosecondsSinceEpoch: nanos)
    } else if let parsed = Timestamp(rfc3339: fields[0]) {
      time = parsed
    } else {
      throw fail("timestamp", "\"\(fields[0])\" is neither RFC 3339 (2024-03-05T14:30:00Z) nor integer nanoseconds")
    }
    let symbol: Symbol
    do { symbol = try Symbol(fields[1]) } catch { throw fail("symbol", "\(error)") }
    func decimal(_ index: Int) throws(CSVReplayError) -> FixedDecimal {
      do { return try FixedDecimal(fields[index]) } catch { throw fail(columns[index], "\(error)") }
    }
    return Row(
      time: time, symbol: symbol,
      bid: Price(value: try decimal(2)), ask: Price(value: try decimal(3)),
      bidSize: Quantity(value: try decimal(4)), askSize: Quantity(value: try decimal(5)))
  }
}

/// The symbols a feed should send, updated by the service.
final class WantedSymbols: Sendable {
  private struct State {
    var symbols: Set<Symbol> = []
    var waiters: [CheckedContinuation<Void, Never>] = []
  }

  private let state = Mutex(State())

  func set(_ new: Set<Symbol>) {
    let waiters = state.withLock { state in
      state.symbols = new
      guard !new.isEmpty else { return [CheckedContinuation<Void, Never>]() }
      defer { state.waiters = [] }
      return state.waiters
    }
    for waiter in waiters { waiter.resume() }
  }

  func contains(_ symbol: Symbol) -> Bool { state.withLock { $0.symbols.contains(symbol) } }
  var all: Set<Symbol> { state.withLock { $0.symbols } }

  /// Returns once at least one symbol is wanted, or when the task is cancelled.
  func waitUntilAnyWanted() async {
    await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let ready = state.withLock { state in
          if !state.symbols.isEmpty || Task.isCancelled { return true }
          state.waiters.append(continuation)
          return false
        }
        if ready { continuation.resume() }
      }
    } onCancel: {
      let waiters = state.withLock { state in
        defer { state.waiters = [] }
        return state.waiters
      }
      for waiter in waiters { waiter.resume() }
    }
  }
}
