public import Logging
public import SlipstreamAlpaca
public import SlipstreamDomain
import Synchronization

/// Alpaca's real-time stock quotes as a pricing feed.
///
/// Connects and authenticates when the service starts, then keeps Alpaca's quote subscription
/// equal to the service's upstream set (unsubscribing what left, subscribing what joined).
/// Alpaca's stock stream carries equities only; other asset classes are refused so the
/// service answers UNSUPPORTED_ASSET_CLASS rather than waiting forever. A subscription Alpaca
/// refuses (405 symbol limit, 409 insufficient subscription) is logged with Alpaca's code;
/// lost connections are re-established and resubscribed by the stream itself.
public final class AlpacaQuoteFeed: QuoteFeed {
  public let name = "alpaca"
  private let configuration: AlpacaStreamConfiguration
  private let logger: Logger
  private let clock: @Sendable () -> Timestamp
  private let subscribed = Mutex<Set<Symbol>>([])
  private let onApplied: @Sendable (Set<Symbol>) -> Void

  /// - Parameters:
  ///   - configuration: Alpaca's URL, keys and TLS.
  ///   - clock: Stamps each quote's receive time.
  ///   - onApplied: Called with Alpaca's confirmed quote symbols after each change (also
  ///     when Alpaca refused it).
  public init(
    configuration: AlpacaStreamConfiguration,
    clock: @escaping @Sendable () -> Timestamp,
    logger: Logger = Logger(label: "slipstream.pricing.alpaca"),
    onApplied: @escaping @Sendable (Set<Symbol>) -> Void = { _ in }
  ) {
    self.configuration = configuration
    self.clock = clock
    self.logger = logger
    self.onApplied = onApplied
  }

  /// The symbols Alpaca confirmed.
  public var confirmedSymbols: Set<Symbol> { subscribed.withLock { $0 } }

  public func support(for symbol: Symbol) -> FeedSymbolSupport {
    symbol.assetClass == .equity ? .supported : .unsupportedAssetClass
  }

  public func run(symbols: AsyncStream<Set<Symbol>>, deliver: @escaping @Sendable (Quote) -> Void) async throws {
    let stream = try AlpacaMarketDataStream(configuration: configuration, clock: clock, logger: logger)
    try await stream.connect()
    logger.info("connected to Alpaca", metadata: ["url": "\(configuration.endpoint)"])
    let logger = self.logger
    await withTaskGroup(of: Void.self) { group in
      group.addTask {
        for await event in stream.events {
          switch event {
          case .quote(let quote): deliver(quote)
          case .malformedMessage(let problem): logger.warning("malformed Alpaca message", metadata: ["problem": "\(problem)"])
          case .error(let error): logger.error("Alpaca error", metadata: ["error": "\(error)"])
          case .disconnected(let reason): logger.warning("Alpaca stream lost; reconnecting", metadata: ["reason": "\(reason)"])
          case .reconnectFailed(let attempt, let error):
            logger.warning("Alpaca reconnect failed", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
          case .reconnected(let subscription):
            logger.notice("Alpaca stream reconnected", metadata: ["quotes": "\(subscription.quotes.count)"])
          case .gaveUp(let error): logger.critical("Alpaca stream gave up", metadata: ["error": "\(error)"])
          }
        }
      }
      // Apply the wanted sets in order; when the service stops, close the stream, which
      // ends the event loop above.
      for await wanted in symbols { await self.apply(wanted, to: stream) }
      await stream.close()
      await group.waitForAll()
    }
  }

  private func apply(_ wanted: Set<Symbol>, to stream: AlpacaMarketDataStream) async {
    let current = subscribed.withLock { $0 }
    let removed = current.subtracting(wanted).map(\.value).sorted()
    let added = wanted.subtracting(current).map(\.value).sorted()
    guard !removed.isEmpty || !added.isEmpty else { return }
    do {
      if !removed.isEmpty { record(try await stream.unsubscribe(quotes: removed)) }
      if !added.isEmpty { record(try await stream.subscribe(quotes: added)) }
      onApplied(subscribed.withLock { $0 })
    } catch {
      onApplied(subscribed.withLock { $0 })
      logger.error("Alpaca refused a subscription change", metadata: [
        "added": "\(added.joined(separator: ","))", "removed": "\(removed.joined(separator: ","))", "error": "\(error)",
      ])
    }
  }

  private func record(_ subscription: AlpacaSubscription) {
    let confirmed = Set(subscription.quotes.compactMap { try? Symbol($0) })
    subscribed.withLock { $0 = confirmed }
  }
}
