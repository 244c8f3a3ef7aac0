public import NIOCore
import NIOPosix
public import SlipstreamRPC
import SlipstreamTLS
import Synchronization

/// A client transport over HTTP/2 + TLS: multiplexes calls on one connection per endpoint,
/// connects lazily, reconnects with backoff, and spreads calls by pick-first or round-robin.
///
/// ```swift
/// let channel = try GRPCChannel(configuration: .init(endpoints: [.init(host: "127.0.0.1", port: 50051)], security: .tls(tls)))
/// let client = RPCClient(transport: channel)
/// ```
public final class GRPCChannel: ClientTransport, Sendable {
  private let subchannels: [Subchannel]
  private let loadBalancing: LoadBalancing
  private let nextIndex = Atomic<Int>(0)

  /// Runs tasks on the event loop every connection of this channel uses (one loop of the
  /// group, chosen when the channel is made).
  ///
  /// A caller that makes many calls — a strategy's loop, a service calling another — can run
  /// on it: `try await withTaskExecutorPreference(channel.executor) { … }` or
  /// `Task(executorPreference: channel.executor) { … }`. Its calls then start on the
  /// connection's thread and each response resumes the caller there, instead of waking a
  /// thread of Swift's global pool and hopping back (measured with `slipstream-quotes-client
  /// --callers event-loop`: client CPU per unary call 26–31 µs → 20–21 µs). Such a caller
  /// shares the loop with the connection's I/O, so it must not block; CPU-heavy work belongs
  /// elsewhere.
  public let executor: EventLoopTaskExecutor

  /// Creates a channel; nothing connects until the first call.
  /// - Parameters:
  ///   - configuration: Endpoints, security, load balancing, limits.
  ///   - group: Where the channel's event loop comes from (``executor``): its connections
  ///     all run on one loop of it, so channels spread over the group's loops.
  /// - Throws: ``TLSError`` when the TLS configuration is unusable; ``RPCError``
  ///   INVALID_ARGUMENT when no endpoint is given.
  public init(configuration: GRPCChannelConfiguration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) throws {
    guard !configuration.endpoints.isEmpty else {
      throw RPCError(code: .invalidArgument, message: "A channel needs at least one endpoint.")
    }
    let tlsContext: TLSContext?
    let hostname: String?
    switch configuration.security {
    case .tls(let tls, let serverHostname):
      tlsContext = try TLSContext(configuration: tls, role: .client)
      hostname = serverHostname
    case .plaintext:
      tlsContext = nil
      hostname = nil
    }
    let eventLoop = group.next()
    self.executor = EventLoopTaskExecutor(eventLoop: eventLoop)
    self.subchannels = configuration.endpoints.map {
      Subchannel(endpoint: $0, configuration: configuration, tlsContext: tlsContext, serverHostname: hostname, eventLoop: eventLoop)
    }
    self.loadBalancing = configuration.loadBalancing
  }

  public func openCall(_ head: ClientCallHead, firstMessage: [UInt8]?, endOfRequests: Bool) async throws -> any ClientCallStream {
    var failures: [String] = []
    for subchannel in order() {
      // A connection that is going away refuses the call: retry once on a fresh one.
      for _ in 0..<2 {
        do {
          let handle = try await subchannel.connection(before: head.deadline)
          return try await handle.openCall(head, firstMessage: firstMessage, endOfRequests: endOfRequests)
        } catch let error as RPCError where error.code == .unavailable {
          failures.append(error.message)
          if error.message.contains("is closing") { continue }
          break
        }
      }
    }
    if failures.count == 1 { throw RPCError(code: .unavailable, message: failures[0]) }
    throw RPCError(code: .unavailable, message: "No endpoint is reachable: \(failures.joined(separator: "; "))")
  }

  /// Calls end at their deadline here: while waiting for a connection, and on the connection
  /// (one timer per connection), so a unary call needs no timer task of its own.
  public var enforcesDeadlines: Bool { true }

  /// The channels of the connections that are up now (for tests).
  package var readyConnectionChannels: [any Channel] {
    subchannels.compactMap(\.readyChannel)
  }

  /// Closes every connection; calls after this fail with UNAVAILABLE.
  public func close() async {
    for subchannel in subchannels { await subchannel.shutdown() }
  }

  /// The order to try subchannels in for one call.
  private func order() -> [Subchannel] {
    switch loadBalancing {
    case .pickFirst:
      // Ready ones first (in configured order), then the rest.
      return subchannels.filter(\.isReady) + subchannels.filter { !$0.isReady }
    case .roundRobin:
      let start = nextIndex.wrappingAdd(1, ordering: .relaxed).oldValue
      // Every endpoint takes its turn, connecting lazily when its turn comes.
      let count = subchannels.count
      return (0..<count).map { subchannels[((start % count) + $0) % count] }
    }
  }
}
