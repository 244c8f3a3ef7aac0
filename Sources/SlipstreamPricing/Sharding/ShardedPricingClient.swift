public import SlipstreamAPI
public import SlipstreamDomain
internal import SlipstreamRPC
import Synchronization

/// A pricing client for a sharded deployment: sends each symbol to the replica that owns it
/// (the same rendezvous hash the replicas use) and merges the answers, so a strategy sees
/// one pricing service.
public struct ShardedPricingClient: Sendable {
  public typealias Client = Slipstream_Pricing_V1_PricingService.Client

  public let map: ShardMap
  private let clients: [String: Client]

  /// Creates a client.
  /// - Parameters:
  ///   - map: The replicas (the same list the replicas are configured with).
  ///   - clients: A typed client per replica id.
  /// - Throws: ``ShardMapError/noClient(_:)`` naming a replica without a client.
  public init(map: ShardMap, clients: [String: Client]) throws(ShardMapError) {
    for replica in map.replicas where clients[replica.id] == nil { throw .noClient(replica.id) }
    self.map = map
    self.clients = clients
  }

  /// Subscribes on every owner; results come back in request order (duplicates dropped).
  public func subscribeBulk(
    clientID: String, symbols: [Symbol], priority: Slipstream_Pricing_V1_SubscriptionPriority
  ) async throws -> [Slipstream_Pricing_V1_SymbolSubscriptionResult] {
    var seen = Set<Symbol>()
    let distinct = symbols.filter { seen.insert($0).inserted }
    let parts = try await fanOut(distinct) { client, group in
      var request = Slipstream_Pricing_V1_SubscribeBulkRequest()
      request.clientID = clientID
      request.symbols = group.map { .init($0) }
      request.priority = priority
      return try await client.subscribeBulk(request).results
    }
    return Self.inRequestOrder(distinct, parts.flatMap { $0 }, ticker: \.symbol.ticker)
  }

  /// Drops subscriptions on every owner (every replica when `symbols` is empty).
  public func unsubscribe(clientID: String, symbols: [Symbol]) async throws -> Slipstream_Pricing_V1_UnsubscribeResponse {
    var merged = Slipstream_Pricing_V1_UnsubscribeResponse()
    if symbols.isEmpty {
      try await withThrowingTaskGroup(of: Slipstream_Pricing_V1_UnsubscribeResponse.self) { group in
        for replica in map.replicas {
          let client = clients[replica.id]!
          group.addTask {
            var request = Slipstream_Pricing_V1_UnsubscribeRequest()
            request.clientID = clientID
            return try await client.unsubscribe(request)
          }
        }
        for try await part in group { merged.removed += part.removed }
      }
      return merged
    }
    let parts = try await fanOut(symbols) { client, group in
      var request = Slipstream_Pricing_V1_UnsubscribeRequest()
      request.clientID = clientID
      request.symbols = group.map { .init($0) }
      return try await client.unsubscribe(request)
    }
    for part in parts {
      merged.removed += part.removed
      merged.notSubscribed += part.notSubscribed
    }
    return merged
  }

  /// Latest quotes from every owner, in request order.
  public func getQuotes(_ symbols: [Symbol], maxAgeNs: Int64 = 0) async throws -> Slipstream_Pricing_V1_GetQuotesResponse {
    let parts = try await fanOut(symbols) { client, group in
      var request = Slipstream_Pricing_V1_GetQuotesRequest()
      request.symbols = group.map { .init($0) }
      request.maxAgeNs = maxAgeNs
      return try await client.getQuotes(request)
    }
    var merged = Slipstream_Pricing_V1_GetQuotesResponse()
    merged.quotes = Self.inRequestOrder(symbols, parts.flatMap(\.quotes), ticker: \.symbol.ticker)
    merged.missing = Self.inRequestOrder(symbols, parts.flatMap(\.missing), ticker: \.ticker)
    merged.staleTickers = parts.flatMap(\.staleTickers)
    return merged
  }

  /// One merged stream of quotes from every owner. It ends when every replica's stream ends
  /// and fails as soon as one fails; releasing the stream (or cancelling its consumer)
  /// cancels every replica stream. `sequence` and the skip counters are per replica stream.
  ///
  /// A symbol that leaves a replica's stream (evicted, unsubscribed) arrives as that
  /// replica's `ended` notice with `symbols_left` counted over the merged stream. A replica
  /// stream left with no symbol ends (with FAILED_PRECONDITION when the last was evicted);
  /// the merged stream then goes on with the other replicas, and fails with that error only
  /// when no symbol is left anywhere, as a direct stream would.
  ///
  /// Each replica stream is read only as fast as the consumer takes quotes, so a slow
  /// consumer holds the replicas back and they conflate (counting `skipped`), as they do
  /// for a direct stream; nothing piles up in the client.
  public func streamQuotes(
    clientID: String, symbols: [Symbol], subscribeMissing: Bool = false, sendSnapshot: Bool = false
  ) -> AsyncThrowingStream<Slipstream_Pricing_V1_StreamQuotesResponse, any Error> {
    let groups = map.partition(symbols)
    let clients = self.clients
    let handoff = StreamHandoff<Slipstream_Pricing_V1_StreamQuotesResponse>()
    let symbolsLeft = SymbolCount(Set(symbols).count)
    let readers = Task {
      do {
        try await withThrowingTaskGroup(of: Void.self) { group in
          for (replica, part) in groups {
            let client = clients[replica.id]!
            group.addTask {
              var request = Slipstream_Pricing_V1_StreamQuotesRequest()
              request.clientID = clientID
              request.symbols = part.map { .init($0) }
              request.subscribeMissing = subscribeMissing
              request.sendSnapshot = sendSnapshot
              let partLeft = SymbolCount(Set(part).count)
              do {
                try await client.streamQuotes(request) { response in
                  for try await message in response.messages {
                    var message = message
                    if message.hasEnded {
                      partLeft.set(Int(message.ended.symbolsLeft))
                      message.ended.symbolsLeft = UInt32(symbolsLeft.decrement())
                    }
                    await handoff.put(message)
                  }
                }
              } catch let error as RPCError where error.code == .failedPrecondition && partLeft.value == 0 {
                // This replica's symbols have all left (the notices went out); the others go on.
                if symbolsLeft.value == 0 { throw error }
              }
            }
          }
          // `next()`, not `waitForAll()`: the latter waits for every stream before throwing,
          // and the other replicas' streams never end on their own.
          while try await group.next() != nil {}
        }
        handoff.finish()
      } catch {
        handoff.finish(throwing: error)
      }
    }
    let cancelOnRelease = TaskCancellation(readers)
    // The stream pulls one message per `next()`; it holds `cancelOnRelease`, so releasing the
    // stream and its iterators cancels the readers, as does the stream ending in an error
    // (a replica's, or the consumer's cancellation).
    return AsyncThrowingStream(unfolding: { [cancelOnRelease] in
      do {
        return try await handoff.take()
      } catch {
        cancelOnRelease.cancel()
        throw error
      }
    })
  }

  // MARK: Internals

  private func fanOut<Part: Sendable>(
    _ symbols: [Symbol], _ call: @escaping @Sendable (Client, [Symbol]) async throws -> Part
  ) async throws -> [Part] {
    try await withThrowingTaskGroup(of: Part.self) { group in
      for (replica, part) in map.partition(symbols) {
        let client = clients[replica.id]!
        group.addTask { try await call(client, part) }
      }
      var parts: [Part] = []
      for try await part in group { parts.append(part) }
      return parts
    }
  }

  private static func inRequestOrder<Item>(_ symbols: [Symbol], _ items: [Item], ticker: KeyPath<Item, String>) -> [Item] {
    var rank: [String: Int] = [:]
    for (index, symbol) in symbols.enumerated() where rank[symbol.value] == nil { rank[symbol.value] = index }
    return items.sorted { (rank[$0[keyPath: ticker]] ?? .max) < (rank[$1[keyPath: ticker]] ?? .max) }
  }
}

/// Cancels a task when released: the merged stream's readers stop once nobody holds the stream.
private final class TaskCancellation: Sendable {
  private let task: Task<Void, Never>
  init(_ task: Task<Void, Never>) { self.task = task }
  func cancel() { task.cancel() }
  deinit { task.cancel() }
}

/// Symbols a (merged or replica) quote stream still carries, counted down by `ended` notices.
private final class SymbolCount: Sendable {
  private let count: Mutex<Int>

  init(_ count: Int) { self.count = Mutex(count) }

  var value: Int { count.withLock { $0 } }

  func set(_ value: Int) { count.withLock { $0 = value } }

  /// One symbol left; returns how many remain (never below zero).
  func decrement() -> Int {
    count.withLock { count in
      count = max(count - 1, 0)
      return count
    }
  }
}
