internal import SlipstreamAPI
internal import SlipstreamDomain
public import SlipstreamRPC
import SlipstreamWire

extension PricingService: RPCService {
  private typealias API = Slipstream_Pricing_V1_PricingService

  public func registerMethods(with router: inout RPCRouter) {
    router.registerUnary(
      API.Method.subscribeBulk, deserializer: ProtobufDeserializer<Slipstream_Pricing_V1_SubscribeBulkRequest>(),
      serializer: ProtobufSerializer<Slipstream_Pricing_V1_SubscribeBulkResponse>()
    ) { try await self.subscribeBulk(request: $0, context: $1) }
    router.registerUnary(
      API.Method.unsubscribe, deserializer: ProtobufDeserializer<Slipstream_Pricing_V1_UnsubscribeRequest>(),
      serializer: ProtobufSerializer<Slipstream_Pricing_V1_UnsubscribeResponse>()
    ) { try await self.unsubscribe(request: $0, context: $1) }
    router.registerUnary(
      API.Method.getQuote, deserializer: ProtobufDeserializer<Slipstream_Pricing_V1_GetQuoteRequest>(),
      serializer: ProtobufSerializer<Slipstream_Pricing_V1_GetQuoteResponse>()
    ) { try await self.getQuote(request: $0, context: $1) }
    router.registerUnary(
      API.Method.getQuotes, deserializer: ProtobufDeserializer<Slipstream_Pricing_V1_GetQuotesRequest>(),
      serializer: ProtobufSerializer<Slipstream_Pricing_V1_GetQuotesResponse>()
    ) { try await self.getQuotes(request: $0, context: $1) }
    // Responses are pre-encoded bytes: the quote is serialized once per tick and each
    // subscriber's envelope is written around it (StreamQuoteEncoding).
    router.registerServerStreaming(
      API.Method.streamQuotes, deserializer: ProtobufDeserializer<Slipstream_Pricing_V1_StreamQuotesRequest>(),
      serializer: RawBytesCodec()
    ) { try await self.streamQuotes(request: $0, writer: $1, context: $2) }
    router.registerUnary(
      API.Method.listSubscriptions, deserializer: ProtobufDeserializer<Slipstream_Pricing_V1_ListSubscriptionsRequest>(),
      serializer: ProtobufSerializer<Slipstream_Pricing_V1_ListSubscriptionsResponse>()
    ) { try await self.listSubscriptions(request: $0, context: $1) }
  }

  // MARK: Handlers

  func subscribeBulk(
    request: Slipstream_Pricing_V1_SubscribeBulkRequest, context: ServerContext
  ) async throws -> Slipstream_Pricing_V1_SubscribeBulkResponse {
    let client = try validClient(request.clientID, field: "client_id")
    let symbols = try validSymbols(request.symbols, allowEmpty: false)
    let priority = try SubscriptionPriority(request.priority)
    let outcome = subscribe(client: client, symbols: symbols, priority: priority, connection: context.connection)
    var response = Slipstream_Pricing_V1_SubscribeBulkResponse()
    response.capacity = Int32(clamping: outcome.capacity)
    response.used = Int32(clamping: outcome.used)
    response.results = outcome.results.map { result in
      var wire = Slipstream_Pricing_V1_SymbolSubscriptionResult()
      wire.symbol = .init(result.symbol)
      switch result.outcome {
      case .accepted:
        wire.outcome = .accepted
      case .acceptedEvicting(let eviction):
        wire.outcome = .acceptedEvicted
        wire.evictedSymbol = .init(eviction.symbol)
        wire.evictedClientID = eviction.clients.joined(separator: ",")
        wire.detail = "evicted \(eviction.symbol) (\(eviction.priority), held by \(eviction.clients.joined(separator: ", ")))"
      case .refused(let refusal):
        wire.outcome = .refused
        wire.detail = "\(result.symbol): \(refusal)"
        switch refusal {
        case .capacityExhausted: wire.refusalReason = .capacityExhausted
        case .unknownSymbol: wire.refusalReason = .unknownSymbol
        case .unsupportedAssetClass: wire.refusalReason = .unsupportedAssetClass
        case .notOwner: wire.refusalReason = .notOwner
        }
      }
      return wire
    }
    return response
  }

  func unsubscribe(
    request: Slipstream_Pricing_V1_UnsubscribeRequest, context: ServerContext
  ) async throws -> Slipstream_Pricing_V1_UnsubscribeResponse {
    let client = try validClient(request.clientID, field: "client_id")
    let symbols = try validSymbols(request.symbols, allowEmpty: true)
    let change = unsubscribe(client: client, symbols: symbols.isEmpty ? nil : symbols)
    var response = Slipstream_Pricing_V1_UnsubscribeResponse()
    response.removed = change.removed.map { .init($0) }
    response.notSubscribed = change.notSubscribed.map { .init($0) }
    return response
  }

  func getQuote(
    request: Slipstream_Pricing_V1_GetQuoteRequest, context: ServerContext
  ) async throws -> Slipstream_Pricing_V1_GetQuoteResponse {
    guard request.hasSymbol else { throw RPCError(code: .invalidArgument, message: "symbol: required") }
    let symbol = try request.symbol.domainSymbol(field: "symbol")
    try requireOwnership([symbol], context: context)
    let limit = try stalenessLimit(request.maxAgeNs)
    guard let cached = hub.latest(symbol) else { throw noQuote(symbol) }
    let age = now().duration(since: cached.quote.receiveTime)
    guard age <= limit else {
      throw RPCError(
        code: .failedPrecondition,
        message: "the latest quote for \(symbol) is \(Self.describe(age)) old; the limit is \(Self.describe(limit))")
    }
    var response = Slipstream_Pricing_V1_GetQuoteResponse()
    response.quote = .init(cached.quote, source: hub.source, sequence: cached.sequence)
    response.ageNs = Self.nanoseconds(age)
    return response
  }

  func getQuotes(
    request: Slipstream_Pricing_V1_GetQuotesRequest, context: ServerContext
  ) async throws -> Slipstream_Pricing_V1_GetQuotesResponse {
    let symbols = try validSymbols(request.symbols, allowEmpty: false)
    try requireOwnership(symbols, context: context)
    let limit = try stalenessLimit(request.maxAgeNs)
    let time = now()
    var response = Slipstream_Pricing_V1_GetQuotesResponse()
    var seen = Set<Symbol>()
    for symbol in symbols where seen.insert(symbol).inserted {
      guard let cached = hub.latest(symbol) else {
        response.missing.append(.init(symbol))
        continue
      }
      response.quotes.append(.init(cached.quote, source: hub.source, sequence: cached.sequence))
      if time.duration(since: cached.quote.receiveTime) > limit { response.staleTickers.append(symbol.value) }
    }
    return response
  }

  func listSubscriptions(
    request: Slipstream_Pricing_V1_ListSubscriptionsRequest, context: ServerContext
  ) async throws -> Slipstream_Pricing_V1_ListSubscriptionsResponse {
    let client = request.clientID.isEmpty ? nil : try validClient(request.clientID, field: "client_id")
    let usage = usage(client: client)
    var response = Slipstream_Pricing_V1_ListSubscriptionsResponse()
    response.capacity = Int32(clamping: usage.capacity)
    response.used = Int32(clamping: usage.used)
    response.byPriority = SubscriptionPriority.allCases.reversed().compactMap { priority in
      guard let used = usage.byPriority[priority] else { return nil }
      var entry = Slipstream_Pricing_V1_PriorityUsage()
      entry.priority = priority.wire
      entry.used = Int32(clamping: used)
      return entry
    }
    response.byClient = usage.byClient.mapValues { Int32(clamping: $0) }
    response.subscriptions = usage.subscriptions.map { held in
      var wire = Slipstream_Pricing_V1_Subscription()
      wire.symbol = .init(held.symbol)
      wire.priority = held.priority.wire
      wire.clientID = held.client
      wire.subscribedAtNs = held.since.nanosecondsSinceEpoch
      return wire
    }
    return response
  }

  func streamQuotes(
    request: Slipstream_Pricing_V1_StreamQuotesRequest, writer: RPCWriter<[UInt8]>, context: ServerContext
  ) async throws {
    let client = try validClient(request.clientID, field: "client_id")
    let symbols = Array(Set(try validSymbols(request.symbols, allowEmpty: false))).sorted { $0.value < $1.value }
    try requireOwnership(symbols, context: context)
    if request.subscribeMissing {
      let missing = state.withLock { state in symbols.filter { !state.book.holds(client, $0) } }
      if !missing.isEmpty {
        let outcome = subscribe(client: client, symbols: missing, priority: .normal, connection: context.connection)
        let refused = outcome.results.compactMap { result -> String? in
          if case .refused(let refusal) = result.outcome { "\(result.symbol): \(refusal)" } else { nil }
        }
        if !refused.isEmpty {
          throw RPCError(code: .resourceExhausted, message: "cannot subscribe \(refused.joined(separator: "; "))")
        }
      }
    }
    try await stream(symbols: symbols, client: client, snapshot: request.sendSnapshot, writer: writer)
  }

  /// Sends the client's quotes until it cancels; a slow client gets the latest quote of each
  /// symbol (the rest are counted as skipped), never an unbounded backlog. The transport
  /// collects the quotes from the mailbox when the stream can take them (no task wake-up per
  /// quote), so this task only waits for the end of the call.
  ///
  /// A symbol whose subscription ends (evicted by a higher priority, unsubscribed) leaves
  /// the stream with a notice (`ended`); when the last one has left, the call ends: OK when
  /// the client unsubscribed it, FAILED_PRECONDITION with the reason when it was evicted.
  private func stream(symbols: [Symbol], client: String, snapshot: Bool, writer: RPCWriter<[UInt8]>) async throws {
    let mailbox = QuoteMailbox(client: client, symbols: symbols)
    // Checked and attached under the subscription lock: an eviction or unsubscribe between a
    // separate check and the attach would leave a symbol on the stream that no notice ends.
    let missing = state.withLock { state in
      let missing = symbols.filter { !state.book.holds(client, $0) }
      if missing.isEmpty { hub.attach(mailbox, to: symbols, snapshot: snapshot) }
      return missing
    }
    guard missing.isEmpty else {
      throw RPCError(
        code: .failedPrecondition,
        message: "client \(client) does not hold subscriptions to \(missing.map(\.value).joined(separator: ", ")); "
          + "call SubscribeBulk first or set subscribe_missing")
    }
    defer {
      hub.detach(mailbox)
      mailbox.close()
    }
    // The stream is open from here on, even if no quote arrives for a while.
    try await writer.sendHeaders()
    do {
      try await writer.send(from: QuoteStreamSource(mailbox: mailbox, metrics: metrics))
    } catch where Task.isCancelled {
      // The client went away or the call was cancelled: the stream simply ends.
      return
    }
    // The source finished: no symbol is left on the stream.
    if let last = mailbox.lastEnding, last.reason == .evicted {
      throw RPCError(code: .failedPrecondition, message: "no symbol left on this stream: \(last.detail)")
    }
  }

  // MARK: Validation

  private func validClient(_ id: String, field: String) throws(RPCError) -> String {
    guard !id.isEmpty else { throw RPCError(code: .invalidArgument, message: "\(field): required") }
    guard id.utf8.count <= configuration.maximumClientIDLength else {
      throw RPCError(
        code: .invalidArgument, message: "\(field): \(id.utf8.count) bytes; at most \(configuration.maximumClientIDLength)")
    }
    return id
  }

  private func validSymbols(_ symbols: [Slipstream_Types_V1_Symbol], allowEmpty: Bool) throws(RPCError) -> [Symbol] {
    guard allowEmpty || !symbols.isEmpty else { throw RPCError(code: .invalidArgument, message: "symbols: at least one symbol is required") }
    guard symbols.count <= configuration.maximumSymbolsPerRequest else {
      throw RPCError(
        code: .invalidArgument,
        message: "symbols: \(symbols.count) symbols; at most \(configuration.maximumSymbolsPerRequest) per request")
    }
    var parsed: [Symbol] = []
    parsed.reserveCapacity(symbols.count)
    for (index, symbol) in symbols.enumerated() { parsed.append(try symbol.domainSymbol(field: "symbols[\(index)]")) }
    return parsed
  }

  private func stalenessLimit(_ maxAgeNs: Int64) throws(RPCError) -> Duration {
    guard maxAgeNs >= 0 else { throw RPCError(code: .invalidArgument, message: "max_age_ns: must not be negative") }
    return maxAgeNs == 0 ? configuration.stalenessLimit : .nanoseconds(maxAgeNs)
  }

  /// Fails when another replica owns any of `symbols`, naming each owner (also in the
  /// `slipstream-shard-owner` trailer as `SYMBOL=ID@ADDRESS`, comma-separated).
  private func requireOwnership(_ symbols: [Symbol], context: ServerContext) throws(RPCError) {
    let foreign = symbols.compactMap { symbol in foreignOwner(of: symbol).map { (symbol, $0) } }
    guard !foreign.isEmpty else { return }
    var trailers = Metadata()
    try? trailers.addString(
      foreign.map { "\($0.0.value)=\($0.1.id)@\($0.1.address)" }.joined(separator: ","), forKey: Self.shardOwnerKey)
    throw RPCError(
      code: .failedPrecondition,
      message: foreign.map { "\($0.0) is owned by replica \($0.1)" }.joined(separator: "; "),
      metadata: trailers)
  }

  /// The trailer naming the owners of symbols this replica does not own.
  public static let shardOwnerKey = "slipstream-shard-owner"

  private func noQuote(_ symbol: Symbol) -> RPCError {
    let subscribed = state.withLock { $0.book.priority(of: symbol) != nil }
    return RPCError(
      code: .notFound,
      message: subscribed
        ? "no quote for \(symbol) has arrived yet from the \(feed.name) feed"
        : "no quote for \(symbol): nobody subscribes to it; call SubscribeBulk first")
  }

  static func nanoseconds(_ duration: Duration) -> Int64 {
    let (seconds, attoseconds) = duration.components
    return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
  }

  /// `1.234 s`, `15 ms`: how old, for people.
  static func describe(_ duration: Duration) -> String {
    let nanos = nanoseconds(duration)
    if nanos >= 1_000_000_000 {
      let tenths = nanos / 100_000_000
      return "\(tenths / 10).\(tenths % 10) s"
    }
    return "\(nanos / 1_000_000) ms"
  }
}
