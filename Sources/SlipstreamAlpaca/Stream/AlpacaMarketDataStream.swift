import Logging
import NIOCore
import NIOPosix
import SlipstreamDomain
import SlipstreamTLS

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A client of Alpaca's real-time market-data websocket stream, for quotes.
///
/// Implements the documented protocol (https://docs.alpaca.markets/docs/streaming-market-data):
/// the server's `connected` welcome, `auth` with key id and secret, `subscribe`/`unsubscribe`
/// of quotes answered by the whole current subscription, batched data messages, and the
/// error codes (``AlpacaErrorCode``). Prices and sizes are read from the JSON text into exact
/// fixed-point amounts.
///
/// After an unexpected disconnect the stream reconnects with backoff, authenticates and
/// resubscribes the confirmed quote symbols, reporting ``AlpacaStreamEvent/disconnected(reason:)``
/// and then ``AlpacaStreamEvent/reconnected(_:)``.
///
/// ```swift
/// let stream = try AlpacaMarketDataStream(configuration: configuration)
/// try await stream.connect()
/// _ = try await stream.subscribe(quotes: ["AAPL", "MSFT"])
/// for await event in stream.events { if case .quote(let quote) = event { … } }
/// ```
///
/// ``events`` has one consumer; it finishes after ``close()``. Call ``close()`` when done: an
/// open session keeps the stream alive.
public actor AlpacaMarketDataStream {
  /// Events: quotes, malformed messages, unsolicited errors, disconnects and reconnects.
  public nonisolated let events: AsyncStream<AlpacaStreamEvent>

  /// Wall-clock time now, as the default receive-time clock.
  public static let systemClock: @Sendable () -> Timestamp = {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Timestamp(nanosecondsSinceEpoch: Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec))
  }

  private enum State {
    /// Not connected: before connect(), after a failed connect() or after giving up.
    case idle
    case connecting
    case ready
    case reconnecting
    case closed
  }

  private let configuration: AlpacaStreamConfiguration
  private let clock: @Sendable () -> Timestamp
  private let group: any EventLoopGroup
  private let logger: Logger
  private let tlsContext: TLSContext?
  private let eventContinuation: AsyncStream<AlpacaStreamEvent>.Continuation

  private var state = State.idle
  private var connection: AlpacaConnection?
  /// Identifies the current session; events of older sessions are ignored.
  private var generation = 0
  /// Outstanding requests, matched to the server's replies.
  private var replies = AlpacaReplyQueue()
  /// Each outstanding request's time limit, by request id.
  private var timers: [Int: Task<Void, Never>] = [:]
  /// Callers suspended on a reply, by waiter id.
  private var continuations: [Int: CheckedContinuation<AlpacaMessage, any Error>] = [:]
  /// Replies that arrived before their caller awaited them, by waiter id.
  private var results: [Int: Result<AlpacaMessage, AlpacaStreamError>] = [:]
  private var reconnectTask: Task<Void, Never>?
  private var confirmed = AlpacaSubscription()
  private var malformedCount = 0
  private var droppedCount = 0

  /// Creates a stream; nothing connects until ``connect()``.
  /// - Parameters:
  ///   - configuration: endpoint, credentials, TLS, limits and backoff.
  ///   - clock: stamps each quote's ``Quote/receiveTime``; the wall clock by default.
  ///   - group: the event loops to use.
  ///   - logger: where connection changes are logged.
  /// - Throws: ``AlpacaStreamError/invalidConfiguration(_:)`` for limits out of range or a TLS
  ///   configuration OpenSSL refuses.
  public init(
    configuration: AlpacaStreamConfiguration,
    clock: @escaping @Sendable () -> Timestamp = AlpacaMarketDataStream.systemClock,
    group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
    logger: Logger = Logger(label: "slipstream.alpaca")
  ) throws(AlpacaStreamError) {
    try configuration.validate()
    self.configuration = configuration
    self.clock = clock
    self.group = group
    self.logger = logger
    if configuration.endpoint.secure {
      guard let tls = configuration.tls else { throw .invalidConfiguration("wss:// needs a TLS configuration") }
      do {
        self.tlsContext = try TLSContext(configuration: tls, role: .client)
      } catch {
        throw .invalidConfiguration("TLS: \(error)")
      }
    } else {
      self.tlsContext = nil
    }
    (self.events, self.eventContinuation) = AsyncStream.makeStream(
      of: AlpacaStreamEvent.self, bufferingPolicy: .bufferingNewest(configuration.eventBufferSize))
  }

  /// Messages that could not be read so far.
  public var malformedMessageCount: Int { malformedCount }
  /// Events dropped because the consumer of ``events`` fell more than
  /// ``AlpacaStreamConfiguration/eventBufferSize`` behind.
  public var droppedEventCount: Int { droppedCount }
  /// The subscription the server last confirmed.
  public var subscription: AlpacaSubscription { confirmed }
  /// Whether a session is up and authenticated (false while reconnecting).
  public var isConnected: Bool { state == .ready }

  // MARK: - Connecting

  /// Connects, waits for the welcome and authenticates. Returns at once if already connected.
  /// - Throws: ``AlpacaStreamError/server(code:message:)`` with Alpaca's code (402 auth
  ///   failed, 406 connection limit exceeded, 409 insufficient subscription, …),
  ///   ``AlpacaStreamError/connectFailed(_:)``, ``AlpacaStreamError/upgradeRejected``,
  ///   ``AlpacaStreamError/timedOut(step:after:)``, ``AlpacaStreamError/connectionLost(_:)``,
  ///   ``AlpacaStreamError/closed`` after ``close()``, and
  ///   ``AlpacaStreamError/protocolViolation(_:)`` if a connect is already under way.
  public func connect() async throws(AlpacaStreamError) {
    switch state {
    case .ready: return
    case .closed: throw .closed
    case .connecting, .reconnecting: throw .protocolViolation("connect() called while a connection is being set up")
    case .idle: break
    }
    state = .connecting
    do {
      try await establishSession()
    } catch {
      if state == .connecting { state = .idle }
      throw error
    }
    guard state == .connecting else {
      // close() ran meanwhile.
      throw .closed
    }
    // A new session starts with no subscriptions (after giving up, the old ones are gone).
    confirmed = AlpacaSubscription()
    state = .ready
    logger.info("Alpaca stream connected", metadata: ["endpoint": "\(configuration.endpoint)"])
  }

  /// Opens a connection and runs the welcome and authentication steps on it.
  private func establishSession() async throws(AlpacaStreamError) {
    let opened = try await AlpacaConnection.open(
      configuration: configuration, tlsContext: tlsContext, clock: clock, group: group)
    guard state != .closed else {
      await opened.close()
      throw .closed
    }
    generation += 1
    let session = generation
    connection = opened
    let welcome = registerWaiter(.welcome, timeout: configuration.authenticationTimeout)
    // Runs on this actor, handling the session's messages in order.
    Task { [events = opened.events] in
      for await event in events {
        self.handle(event, session: session)
      }
    }
    do {
      _ = try await awaitReply(welcome)
      let authenticated = registerWaiter(.authentication, timeout: configuration.authenticationTimeout)
      try? await opened.send(AlpacaRequest.auth(keyID: configuration.keyID, secret: configuration.secret).json)
      // A failed write ends the session, which fails the waiter with the reason.
      _ = try await awaitReply(authenticated)
    } catch {
      await dropConnection(opened)
      throw error
    }
  }

  private func dropConnection(_ opened: AlpacaConnection) async {
    if connection === opened {
      connection = nil
      generation += 1
      failWaiters(.connectionLost("the connection was dropped"))
    }
    await opened.close()
  }

  // MARK: - Subscribing

  /// Adds quote subscriptions for `symbols` and returns the server's whole confirmed
  /// subscription.
  /// - Parameter symbols: equity tickers (`AAPL`, `BRK.B`); lowercase is uppercased. The `*`
  ///   wildcard and the test stream's `FAKEPACA` are refused: quotes must map to the
  ///   domain's ``Symbol``.
  /// - Throws: ``AlpacaStreamError/server(code:message:)`` (405 symbol limit exceeded — the
  ///   subscription is then unchanged —, 400, 401, 410), ``AlpacaStreamError/tooManySymbols(count:maximum:)``,
  ///   ``AlpacaStreamError/invalidSymbol(_:_:)``, ``AlpacaStreamError/notConnected`` (also
  ///   while reconnecting: retry after ``AlpacaStreamEvent/reconnected(_:)``),
  ///   ``AlpacaStreamError/timedOut(step:after:)``, ``AlpacaStreamError/connectionLost(_:)``.
  public func subscribe(quotes symbols: [String]) async throws(AlpacaStreamError) -> AlpacaSubscription {
    try await change(.subscribe(quotes: try normalized(symbols)))
  }

  /// Removes quote subscriptions for `symbols` and returns the server's whole confirmed
  /// subscription. Quotes already in flight may still arrive for a short while.
  /// - Throws: as ``subscribe(quotes:)``.
  public func unsubscribe(quotes symbols: [String]) async throws(AlpacaStreamError) -> AlpacaSubscription {
    try await change(.unsubscribe(quotes: try normalized(symbols)))
  }

  private func normalized(_ symbols: [String]) throws(AlpacaStreamError) -> [String] {
    guard !symbols.isEmpty else { throw .tooManySymbols(count: 0, maximum: configuration.maximumSymbolsPerRequest) }
    guard symbols.count <= configuration.maximumSymbolsPerRequest else {
      throw .tooManySymbols(count: symbols.count, maximum: configuration.maximumSymbolsPerRequest)
    }
    var result: [String] = []
    var seen = Set<String>()
    for text in symbols {
      let symbol: Symbol
      do {
        symbol = try Symbol(text)
      } catch {
        throw .invalidSymbol(text, error)
      }
      guard symbol.assetClass == .equity else {
        throw .invalidSymbol(text, .unrecognized(symbol: text))
      }
      if seen.insert(symbol.value).inserted { result.append(symbol.value) }
    }
    return result
  }

  private func change(_ request: AlpacaRequest) async throws(AlpacaStreamError) -> AlpacaSubscription {
    switch state {
    case .closed: throw .closed
    case .ready: break
    case .idle, .connecting, .reconnecting: throw .notConnected
    }
    guard let connection else { throw .notConnected }
    return try await send(request, on: connection)
  }

  private func send(_ request: AlpacaRequest, on connection: AlpacaConnection) async throws(AlpacaStreamError)
    -> AlpacaSubscription
  {
    let reply = registerWaiter(.subscription, timeout: configuration.requestTimeout)
    do {
      try await connection.send(request.json)
    } catch {
      // The reader reports the lost connection; the waiter fails with it.
      logger.debug("Alpaca request write failed", metadata: ["error": "\(error)"])
    }
    guard case .subscription(let subscription) = try await awaitReply(reply) else {
      throw .protocolViolation("a subscribe request was answered by something else")
    }
    return subscription
  }

  // MARK: - Closing

  /// Closes the session, stops reconnecting and finishes ``events``. Idempotent.
  public func close() async {
    guard state != .closed else { return }
    state = .closed
    reconnectTask?.cancel()
    reconnectTask = nil
    failWaiters(.closed)
    generation += 1
    let current = connection
    connection = nil
    await current?.close()
    eventContinuation.finish()
    logger.info("Alpaca stream closed")
  }

  // MARK: - Replies

  /// Registers a request waiting for a reply of `kind` (before the request is sent, so a
  /// fast reply cannot be missed) and starts its time limit.
  private func registerWaiter(_ kind: AlpacaReplyQueue.Kind, timeout: Duration) -> Int {
    let id = replies.register(kind)
    timers[id] = Task {
      try? await Task.sleep(for: timeout)
      guard !Task.isCancelled, self.replies.remove(id) != nil else { return }
      self.deliver(id, .failure(.timedOut(step: kind.step, after: timeout)))
    }
    return id
  }

  /// Waits for the reply to request `id` (or returns it if it has arrived already).
  private func awaitReply(_ id: Int) async throws(AlpacaStreamError) -> AlpacaMessage {
    if let result = results.removeValue(forKey: id) {
      return try result.get()
    }
    do {
      return try await withCheckedThrowingContinuation { continuation in
        continuations[id] = continuation
      }
    } catch let error as AlpacaStreamError {
      throw error
    } catch {
      throw .protocolViolation("unexpected error \(error)")
    }
  }

  /// Hands the reply to request `id` (already removed from ``replies``) to its caller.
  private func deliver(_ id: Int, _ result: Result<AlpacaMessage, AlpacaStreamError>) {
    timers.removeValue(forKey: id)?.cancel()
    if let continuation = continuations.removeValue(forKey: id) {
      continuation.resume(with: result.mapError { $0 as any Error })
    } else {
      results[id] = result
    }
  }

  private func failWaiters(_ error: AlpacaStreamError) {
    for id in replies.removeAll() {
      deliver(id, .failure(error))
    }
  }

  // MARK: - Incoming

  private func handle(_ event: AlpacaConnectionEvent, session: Int) {
    guard session == generation else { return }
    switch event {
    case .message(let bytes, let receivedAt):
      for message in AlpacaMessageDecoder.decode(bytes, receiveTime: receivedAt) {
        handle(message)
      }
    case .ended(let reason):
      sessionEnded(reason)
    }
  }

  private func handle(_ message: AlpacaMessage) {
    switch message {
    case .quote(let quote):
      emit(.quote(quote))
    case .malformed(let error):
      malformedCount += 1
      logger.warning("malformed Alpaca message", metadata: ["error": "\(error)"])
      emit(.malformedMessage(error))
    case .connected, .authenticated, .subscription, .error, .success, .other:
      if case .subscription(let subscription) = message {
        confirmed = subscription
      }
      if let (id, reply) = replies.match(message) {
        deliver(id, reply)
      } else if case .error(let code, let text) = message {
        logger.warning("Alpaca stream error", metadata: ["code": "\(code)", "message": "\(text)"])
        emit(.error(.server(code: code, message: text)))
      }
    }
  }

  private func emit(_ event: AlpacaStreamEvent) {
    if case .dropped = eventContinuation.yield(event) {
      droppedCount += 1
    }
  }

  private func sessionEnded(_ reason: String) {
    generation += 1
    connection = nil
    let error = AlpacaStreamError.connectionLost(reason)
    failWaiters(error)
    guard state == .ready else { return }
    logger.warning("Alpaca stream disconnected", metadata: ["reason": "\(reason)"])
    emit(.disconnected(reason: error))
    state = .reconnecting
    reconnectTask = Task { await self.reconnect() }
  }

  // MARK: - Reconnecting

  private func reconnect() async {
    var attempt = 0
    let backoff = configuration.reconnect
    while state == .reconnecting {
      attempt += 1
      if let maximum = backoff.maximumAttempts, attempt > maximum {
        giveUp(.connectionLost("gave up after \(maximum) reconnection attempts"))
        return
      }
      let base = backoff.delay(forAttempt: attempt)
      let delay = base + base * Double.random(in: 0...backoff.jitter)
      do {
        try await Task.sleep(for: delay)
      } catch {
        return
      }
      guard state == .reconnecting else { return }
      do {
        try await establishSession()
        guard state == .reconnecting, let connection else { return }
        let symbols = confirmed.quotes
        var subscription = confirmed
        if !symbols.isEmpty {
          // Resubscribe in chunks within the per-request limit.
          let size = configuration.maximumSymbolsPerRequest
          for start in stride(from: 0, to: symbols.count, by: size) {
            let chunk = Array(symbols[start..<min(start + size, symbols.count)])
            subscription = try await send(.subscribe(quotes: chunk), on: connection)
          }
        } else {
          subscription = AlpacaSubscription()
        }
        guard state == .reconnecting else { return }
        state = .ready
        logger.info("Alpaca stream reconnected", metadata: ["attempt": "\(attempt)"])
        emit(.reconnected(subscription))
        return
      } catch {
        guard state == .reconnecting else { return }
        if let current = connection {
          await dropConnection(current)
        }
        emit(.reconnectFailed(attempt: attempt, error: error))
        if let code = error.serverCode, !code.isRetryable {
          giveUp(error)
          return
        }
      }
    }
  }

  private func giveUp(_ error: AlpacaStreamError) {
    state = .idle
    logger.error("Alpaca stream gave up reconnecting", metadata: ["error": "\(error)"])
    emit(.gaveUp(error))
  }
}
