public import Logging
public import SlipstreamDomain
public import SlipstreamRPC
import Synchronization

/// Something that happened to subscriptions, for logs, metrics and tests.
public enum PricingEvent: Sendable, Hashable {
  /// A higher priority pushed a symbol out; its holders lost it.
  case evicted(Eviction)
  /// A client's connection closed and its subscriptions were released.
  case released(client: String, symbols: [Symbol])
}

/// The pricing service: subscriptions under the upstream cap, the quote cache, and quote
/// streams, fed by one ``QuoteFeed``.
///
/// Serve it over gRPC (it is an ``RPCService`` for `slipstream.pricing.v1.PricingService`)
/// and run ``run()`` for as long as it serves: that drives the feed.
public final class PricingService: Sendable {
  struct State {
    var book: SubscriptionBook
    /// The live connections each client subscribed over; when the last closes, the client's
    /// subscriptions are released.
    var connections: [String: Set<ConnectionLifetime>] = [:]
  }

  public let configuration: PricingConfiguration
  public let feed: any QuoteFeed
  /// The quote cache and fan-out.
  public let hub: QuoteHub
  let logger: Logger
  let now: @Sendable () -> Timestamp
  let state: Mutex<State>
  private let upstream: AsyncStream<Set<Symbol>>
  private let upstreamContinuation: AsyncStream<Set<Symbol>>.Continuation
  private let eventSink: Mutex<[AsyncStream<PricingEvent>.Continuation]> = Mutex([])
  let metrics: PricingMetrics

  /// Creates a service.
  /// - Parameters:
  ///   - configuration: Capacity, staleness, limits, shard.
  ///   - feed: Where quotes come from.
  ///   - now: The wall clock (injected for tests).
  ///   - logger: Where subscription changes are logged.
  public init(
    configuration: PricingConfiguration = PricingConfiguration(),
    feed: any QuoteFeed,
    now: @escaping @Sendable () -> Timestamp,
    logger: Logger = Logger(label: "slipstream.pricing")
  ) {
    precondition(configuration.capacity >= 1, "capacity must be at least 1")
    self.configuration = configuration
    self.feed = feed
    self.hub = QuoteHub(source: feed.name)
    self.now = now
    self.logger = logger
    self.state = Mutex(State(book: SubscriptionBook(capacity: configuration.capacity)))
    (upstream, upstreamContinuation) = AsyncStream.makeStream(of: Set<Symbol>.self, bufferingPolicy: .bufferingNewest(1))
    upstreamContinuation.yield([])
    hub.setAccepting([])
    metrics = PricingMetrics()
  }

  /// Drives the feed until the task is cancelled or the feed ends.
  public func run() async throws {
    let hub = self.hub
    let metrics = self.metrics
    try await withTaskCancellationHandler {
      try await feed.run(symbols: upstream) { quote in
        if let reason = hub.publish(quote) { metrics.dropped(reason) } else { metrics.accepted() }
      }
    } onCancel: {
      upstreamContinuation.finish()
    }
  }

  /// Subscription events from now on (evictions, releases on disconnect).
  public func events() -> AsyncStream<PricingEvent> {
    let (stream, continuation) = AsyncStream.makeStream(of: PricingEvent.self)
    eventSink.withLock { $0.append(continuation) }
    return stream
  }

  /// Current subscription usage.
  public func usage(client: String? = nil) -> SubscriptionUsage { state.withLock { $0.book.usage(client: client) } }

  // MARK: Core operations (used by the RPC handlers; usable in-process)

  /// Subscribes `client` to `symbols` at `priority`. Symbols the feed cannot quote or another
  /// replica owns are refused without touching the book.
  /// - Parameter connection: The connection the request came on; when it closes and the
  ///   client has no other live connection, its subscriptions are released.
  public func subscribe(
    client: String,
    symbols: [Symbol],
    priority: SubscriptionPriority,
    connection: ConnectionLifetime?
  ) -> (results: [SymbolSubscriptionResult], capacity: Int, used: Int) {
    var seen = Set<Symbol>()
    let distinct = symbols.filter { seen.insert($0).inserted }
    var refusals: [Symbol: SubscriptionRefusal] = [:]
    for symbol in distinct {
      if let refusal = refusal(for: symbol) { refusals[symbol] = refusal }
    }
    let time = now()
    let (change, used, watch, wakes) = state.withLock { state in
      let change = state.book.subscribe(
        client: client, symbols: distinct.filter { refusals[$0] == nil }, priority: priority, now: time)
      var wakes: [@Sendable () -> Void] = []
      for eviction in change.evictions {
        let detail = "\(eviction.symbol) was evicted: a \(priority) subscription needed its upstream slot "
          + "(capacity \(configuration.capacity), held at \(eviction.priority)); subscribe again at a higher "
          + "priority and open a new stream for it"
        for holder in eviction.clients {
          wakes += hub.end(client: holder, symbol: eviction.symbol, reason: .evicted, detail: detail)
        }
      }
      let watch = track(connection, for: client, in: &state)
      publishUpstream(state.book)
      return (change, state.book.used, watch, wakes)
    }
    for wake in wakes { wake() }
    if watch { watchClose(of: connection!, client: client) }
    for eviction in change.evictions {
      logger.notice("subscription evicted", metadata: [
        "symbol": "\(eviction.symbol)", "priority": "\(eviction.priority)",
        "holders": "\(eviction.clients.joined(separator: ","))", "by_client": "\(client)",
      ])
      emit(.evicted(eviction))
    }
    var accepted = change.results.makeIterator()
    let results = distinct.map { symbol in
      refusals[symbol].map { SymbolSubscriptionResult(symbol: symbol, outcome: .refused($0)) } ?? accepted.next()!
    }
    metrics.subscriptionsUsed(used)
    return (results, configuration.capacity, used)
  }

  /// Drops `client`'s subscriptions to `symbols` (all of them when nil).
  public func unsubscribe(client: String, symbols: [Symbol]?) -> UnsubscribeChange {
    let (change, used, wakes) = state.withLock { state in
      let change = state.book.unsubscribe(client: client, symbols: symbols)
      var wakes: [@Sendable () -> Void] = []
      for symbol in change.removed {
        wakes += hub.end(
          client: client, symbol: symbol, reason: .unsubscribed, detail: "\(symbol) was unsubscribed by client \(client)")
      }
      publishUpstream(state.book)
      return (change, state.book.used, wakes)
    }
    for wake in wakes { wake() }
    metrics.subscriptionsUsed(used)
    return change
  }

  /// Why `symbol` cannot be subscribed here, if it cannot.
  func refusal(for symbol: Symbol) -> SubscriptionRefusal? {
    if let shard = configuration.shard {
      let owner = shard.map.owner(of: symbol)
      if owner != shard.this { return .notOwner(owner: owner) }
    }
    switch feed.support(for: symbol) {
    case .supported: return nil
    case .unknownSymbol: return .unknownSymbol(feed: feed.name)
    case .unsupportedAssetClass: return .unsupportedAssetClass(symbol.assetClass, feed: feed.name)
    }
  }

  /// The replica owning `symbol` when it is not this one.
  func foreignOwner(of symbol: Symbol) -> ShardReplica? {
    guard let shard = configuration.shard else { return nil }
    let owner = shard.map.owner(of: symbol)
    return owner == shard.this ? nil : owner
  }

  // MARK: Internals

  /// Tells the feed and the hub the upstream set; called under the state lock so the feed
  /// sees changes in order.
  private func publishUpstream(_ book: SubscriptionBook) {
    let symbols = book.upstreamSymbols
    hub.setAccepting(symbols)
    upstreamContinuation.yield(symbols)
  }

  /// Records that `client` used `connection`; true when the connection is new for it and
  /// needs a close watch.
  private func track(_ connection: ConnectionLifetime?, for client: String, in state: inout State) -> Bool {
    guard let connection else { return false }
    return state.connections[client, default: []].insert(connection).inserted
  }

  private func watchClose(of connection: ConnectionLifetime, client: String) {
    connection.onClose { [weak self] in self?.connectionClosed(connection, client: client) }
  }

  private func connectionClosed(_ connection: ConnectionLifetime, client: String) {
    let (released, used) = state.withLock { state -> ([Symbol], Int) in
      state.connections[client]?.remove(connection)
      guard state.connections[client]?.isEmpty == true else { return ([], state.book.used) }
      state.connections[client] = nil
      let change = state.book.unsubscribe(client: client, symbols: nil)
      publishUpstream(state.book)
      return (change.removed, state.book.used)
    }
    guard !released.isEmpty else { return }
    metrics.subscriptionsUsed(used)
    logger.info("client disconnected; subscriptions released", metadata: [
      "client": "\(client)", "symbols": "\(released.map(\.value).joined(separator: ","))",
    ])
    emit(.released(client: client, symbols: released))
  }

  private func emit(_ event: PricingEvent) {
    eventSink.withLock { sinks in
      sinks.removeAll { continuation in
        if case .terminated = continuation.yield(event) { return true }
        return false
      }
    }
  }
}
