import SlipstreamAPI
import SlipstreamDomain
@testable import SlipstreamPricing
import SlipstreamRPC
import SlipstreamTransport
import Testing

@Suite("Pricing over TLS: three replicas, rendezvous-sharded", .timeLimit(.minutes(1)))
struct PricingShardingNetworkTests {
  static let symbols = PricingScenario.tickers[0..<30].map(sym)

  @Test("each symbol lives on its owner, non-owners name the owner, streams merge, a fourth replica takes only its symbols")
  func threeReplicas() async throws {
    let deployment = try await ShardedReplicas.start(count: 4) { replicas in
      let three = try ShardMap(replicas: Array(replicas.prefix(3)))
      let four = try ShardMap(replicas: replicas)
      return [three, three, three, four]
    }
    try await deployment.run(exercise)
  }

  @Test("a stalled consumer of the merged stream holds the replica streams back, so the replicas conflate")
  func stalledMergedConsumer() async throws {
    // Small windows and buffers: each replica stream's transport holds a few hundred messages.
    let deployment = try await ShardedReplicas.start(count: 3, configureServer: { configuration in
      configuration.http2.outboundBufferHighWatermark = 16_384
      configuration.http2.outboundBufferLowWatermark = 4_096
    }) { replicas in
      let map = try ShardMap(replicas: replicas)
      return [map, map, map]
    }
    try await deployment.run { deployment in
      let (sharded, _) = try deployment.shardedClient { configuration in
        configuration.http2.initialStreamWindowSize = 16_384
        configuration.responseBufferHighWatermark = 16_384
      }
      let results = try await sharded.subscribeBulk(clientID: "strategy", symbols: Self.symbols, priority: .normal)
      #expect(results.allSatisfy { $0.outcome == .accepted })
      // Round 0 is cached and arrives as each replica's snapshot: then every stream is attached.
      deployment.push(Self.symbols, bid: { "1.\($0 + 1)1" }, ask: "2")
      var messages = sharded.streamQuotes(clientID: "strategy", symbols: Self.symbols, sendSnapshot: true).makeAsyncIterator()
      for _ in Self.symbols { _ = try #require(try await messages.next()) }

      // The consumer stops reading while 1,000 rounds are published.
      let rounds = 1_000
      for round in 1...rounds { deployment.push(Self.symbols, bid: { "\(round + 1).\($0 + 1)1" }, ask: "\(round + 2)") }
      let pushed = rounds * Self.symbols.count

      let finalBids = Set(Self.symbols.indices.map { "\(rounds + 1).\($0 + 1)1" })
      var seenFinal = Set<String>()
      var delivered = 0
      var skipped: UInt64 = 0
      while seenFinal != finalBids, let message = try await messages.next() {
        delivered += 1
        skipped += message.skipped
        if finalBids.contains(message.quote.bid.value) { seenFinal.insert(message.quote.bid.value) }
      }
      #expect(seenFinal == finalBids)
      // Every quote was delivered or conflated on its replica; had the client drained the
      // replica streams into a buffer of its own, all 30,000 would have been delivered.
      #expect(UInt64(delivered) + skipped == UInt64(pushed))
      #expect(delivered < pushed / 6, "the merged stream buffered \(delivered) quotes in the client instead of holding back")
    }
  }

  static func threeReplicas() async throws -> ShardedReplicas {
    try await ShardedReplicas.start(count: 3) { replicas in
      let map = try ShardMap(replicas: replicas)
      return [map, map, map]
    }
  }

  @Test("a replica stream's failure fails the merged stream with that replica's error")
  func mergedStreamFails() async throws {
    try await Self.threeReplicas().run { deployment in
      let (sharded, _) = try deployment.shardedClient()
      let held = Array(Self.symbols.dropLast())
      _ = try await sharded.subscribeBulk(clientID: "strategy", symbols: held, priority: .normal)
      let missing = Self.symbols.last!
      await expectRPCError(
        .failedPrecondition,
        "client strategy does not hold subscriptions to \(missing); call SubscribeBulk first or set subscribe_missing"
      ) {
        for try await _ in sharded.streamQuotes(clientID: "strategy", symbols: Self.symbols) {}
      }
    }
  }

  @Test("symbols evicted on one replica leave the merged stream with notices counted over it; it fails only when none is left")
  func mergedStreamEvictions() async throws {
    let deployment = try await ShardedReplicas.start(count: 3, capacity: 2) { replicas in
      let map = try ShardMap(replicas: replicas)
      return [map, map, map]
    }
    try await deployment.run { deployment in
      let map = try #require(deployment.replicas[0].service.configuration.shard?.map)
      let onZero = Self.symbols.filter { map.owner(of: $0).id == "pricing-0" }
      let onOne = Self.symbols.filter { map.owner(of: $0).id == "pricing-1" }
      try #require(onZero.count >= 4 && onOne.count >= 3)
      let (sharded, _) = try deployment.shardedClient()
      let streamed = [onZero[0], onZero[1], onOne[0]]
      _ = try await sharded.subscribeBulk(clientID: "strategy", symbols: streamed, priority: .low)
      // Cached first, so each arrives as its replica's snapshot: then every stream is attached.
      deployment.push(streamed, bid: { "1.\($0 + 1)1" }, ask: "2")
      var messages = sharded.streamQuotes(clientID: "strategy", symbols: streamed, sendSnapshot: true).makeAsyncIterator()
      for _ in streamed { #expect(try #require(try await messages.next()).hasQuote) }

      // Both of pricing-0's symbols are evicted: two notices, counted over the merged stream.
      _ = try await sharded.subscribeBulk(clientID: "orders", symbols: [onZero[2], onZero[3]], priority: .high)
      var notices: [Slipstream_Pricing_V1_SymbolStreamEnded] = []
      while notices.count < 2, let message = try await messages.next() {
        if message.hasEnded { notices.append(message.ended) }
      }
      #expect(Set(notices.map(\.symbol.ticker)) == [onZero[0].value, onZero[1].value])
      #expect(notices.map(\.symbolsLeft) == [2, 1])
      #expect(notices.allSatisfy { $0.reason == .evicted })

      // pricing-0's stream has ended; the merged stream still carries pricing-1's symbol.
      deployment.push([onOne[0]], bid: { _ in "7.77" }, ask: "8")
      var next = try #require(try await messages.next())
      while next.quote.bid.value != "7.77" { next = try #require(try await messages.next()) }
      #expect(next.quote.symbol.ticker == onOne[0].value)

      // Evicting the last symbol anywhere ends the merged stream as a direct one would.
      _ = try await sharded.subscribeBulk(clientID: "orders", symbols: [onOne[1], onOne[2]], priority: .high)
      var last = try #require(try await messages.next())
      while !last.hasEnded { last = try #require(try await messages.next()) }
      #expect(last.ended.symbol.ticker == onOne[0].value && last.ended.symbolsLeft == 0)
      await #expect {
        _ = try await messages.next()
      } throws: { error in
        (error as? RPCError)?.code == .failedPrecondition
          && (error as? RPCError)?.message.hasPrefix("no symbol left on this stream: \(onOne[0]) was evicted") == true
      }
    }
  }

  @Test("cancelling the merged stream's consumer ends it and cancels every replica stream")
  func mergedStreamCancels() async throws {
    try await Self.threeReplicas().run { deployment in
      let (sharded, _) = try deployment.shardedClient()
      _ = try await sharded.subscribeBulk(clientID: "strategy", symbols: Self.symbols, priority: .normal)
      deployment.push(Self.symbols, bid: { "1.\($0 + 1)1" }, ask: "2")
      let snapshots = Signal()
      let consumer = Task {
        var count = 0
        for try await _ in sharded.streamQuotes(clientID: "strategy", symbols: Self.symbols, sendSnapshot: true) {
          count += 1
          if count == Self.symbols.count { snapshots.fire() }
        }
      }
      // Every replica stream is attached once all snapshots are in.
      await snapshots.wait()
      consumer.cancel()
      await #expect(throws: CancellationError.self) { try await consumer.value }
      // The replicas see their streams cancelled and detach them (the hub has no detach event
      // to await, so this polls; the suite's time limit bounds it).
      func listeners() -> Int {
        deployment.replicas.map { replica in Self.symbols.map(replica.service.hub.listenerCount).reduce(0, +) }.reduce(0, +)
      }
      while listeners() > 0 { await Task.yield() }
      #expect(listeners() == 0)
    }
  }

  func exercise(_ deployment: ShardedReplicas) async throws {
    let replicas = Array(deployment.replicas.prefix(3))
    let fourth = deployment.replicas[3]
    let map = try #require(replicas[0].service.configuration.shard?.map)
    let (sharded, clients) = try deployment.shardedClient()

    // Every symbol goes to its owner and is accepted there, in request order.
    let results = try await sharded.subscribeBulk(clientID: "strategy", symbols: Self.symbols, priority: .normal)
    #expect(results.map(\.symbol.ticker) == Self.symbols.map(\.value))
    #expect(results.allSatisfy { $0.outcome == .accepted })
    for (index, replica) in replicas.enumerated() {
      let owned = Set(Self.symbols.filter { map.owner(of: $0).id == "pricing-\(index)" }.map(\.value))
      #expect(!owned.isEmpty, "pricing-\(index) owns none of the 30 symbols")
      let listed = try await clients["pricing-\(index)"]!.listSubscriptions(.init())
      #expect(Set(listed.subscriptions.map(\.symbol.ticker)) == owned, "pricing-\(index)")
      #expect(Int(listed.used) == owned.count)
      #expect(replica.service.usage().used == owned.count)
    }

    // A non-owner refuses the symbol and says who owns it.
    let symbol = try #require(Self.symbols.first { map.owner(of: $0).id == "pricing-0" })
    let owner = map.owner(of: symbol)
    #expect(owner.address == "127.0.0.1:\(replicas[0].port)")
    let direct = try await clients["pricing-1"]!.subscribeBulk(.make("strategy", [symbol.value], .normal))
    let refusal = try #require(direct.results.first)
    #expect(refusal.outcome == .refused && refusal.refusalReason == .notOwner)
    #expect(refusal.detail == "\(symbol): owned by replica pricing-0 at 127.0.0.1:\(replicas[0].port)")

    var request = Slipstream_Pricing_V1_GetQuoteRequest()
    request.symbol = wireSymbol(symbol.value)
    do {
      _ = try await clients["pricing-1"]!.getQuote(request)
      Issue.record("GetQuote on a non-owner succeeded")
    } catch let error as RPCError {
      #expect(error.code == .failedPrecondition)
      #expect(error.message == "\(symbol) is owned by replica pricing-0 at 127.0.0.1:\(replicas[0].port)")
      #expect(error.metadata.firstString(forKey: PricingService.shardOwnerKey) == "\(symbol)=pricing-0@127.0.0.1:\(replicas[0].port)")
    }

    try await mergedStream(sharded, deployment)
    try await fourthReplica(fourth, previous: map)
  }

  /// The sharded client's stream merges quotes published on every replica's feed.
  func mergedStream(_ sharded: ShardedPricingClient, _ deployment: ShardedReplicas) async throws {
    func push(round: Int) { deployment.push(Self.symbols, bid: { "\(round).\($0 + 1)1" }, ask: "\(round + 1)") }
    // The first round is cached and comes as each replica's snapshot, which also shows that
    // replica's stream is attached; the second round is pushed once all snapshots are in.
    push(round: 1)
    var seen: Set<String> = []
    var messages = sharded.streamQuotes(clientID: "strategy", symbols: Self.symbols, sendSnapshot: true).makeAsyncIterator()
    while seen.count < Self.symbols.count, let message = try await messages.next() {
      seen.insert("\(message.quote.symbol.ticker)@\(message.quote.bid.value)")
    }
    #expect(seen == Set(Self.symbols.enumerated().map { "\($0.element)@1.\($0.offset + 1)1" }))
    push(round: 2)
    seen = []
    while seen.count < Self.symbols.count, let message = try await messages.next() {
      seen.insert("\(message.quote.symbol.ticker)@\(message.quote.bid.value)")
    }
    #expect(seen == Set(Self.symbols.enumerated().map { "\($0.element)@2.\($0.offset + 1)1" }))
  }

  /// A fourth replica (with the four-replica map) owns exactly the symbols that now hash to it;
  /// every other symbol keeps its owner and is refused there naming it.
  func fourthReplica(_ fourth: PricingServerFixture, previous: ShardMap) async throws {
    let map = try #require(fourth.service.configuration.shard?.map)
    let moved = Self.symbols.filter { map.owner(of: $0).id == "pricing-3" }
    #expect(!moved.isEmpty, "no symbol moved to pricing-3")
    for symbol in Self.symbols where !moved.contains(symbol) {
      #expect(map.owner(of: symbol) == previous.owner(of: symbol), "\(symbol) moved between old replicas")
    }
    let client = try fourth.connect().client
    let response = try await client.subscribeBulk(.make("strategy", Self.symbols.map(\.value), .normal))
    for result in response.results {
      let symbol = sym(result.symbol.ticker)
      if moved.contains(symbol) {
        #expect(result.outcome == .accepted, "\(symbol)")
      } else {
        #expect(result.outcome == .refused && result.refusalReason == .notOwner, "\(symbol)")
        #expect(result.detail == "\(symbol): owned by replica \(previous.owner(of: symbol))")
      }
    }
    let listed = try await client.listSubscriptions(.init())
    #expect(Set(listed.subscriptions.map(\.symbol.ticker)) == Set(moved.map(\.value)))
  }
}
