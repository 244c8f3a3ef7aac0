import Logging
import NIOCore
import NIOPosix
import SlipstreamAPI
import SlipstreamDomain
import SlipstreamHTTP2
import SlipstreamPricing
import SlipstreamRPC
import SlipstreamTLS
import SlipstreamTransport
import Synchronization

typealias PricingClient = Slipstream_Pricing_V1_PricingService.Client
typealias StreamResponse = Slipstream_Pricing_V1_StreamQuotesResponse

/// What one subscriber has received so far.
final class SubscriberTally: Sendable {
  private let receivedCount = Atomic<Int>(0)
  private let skippedCount = Atomic<Int>(0)
  private let lastSequenceSeen = Atomic<UInt64>(0)
  /// (quote sequence, receive − publish ns) per message, when latencies are recorded.
  private let latencies = Mutex<[(sequence: UInt64, nanoseconds: Int64)]>([])
  private let recordsLatency: Bool

  init(recordLatency: Bool) {
    recordsLatency = recordLatency
  }

  var received: Int { receivedCount.load(ordering: .relaxed) }
  /// Quotes the server conflated away for this subscriber (the messages' `skipped`).
  var skipped: Int { skippedCount.load(ordering: .relaxed) }
  /// The per-symbol sequence of the latest quote received.
  var lastSequence: UInt64 { lastSequenceSeen.load(ordering: .acquiring) }

  func record(_ message: StreamResponse) {
    record(sequence: message.quote.sequence, timestampNs: message.quote.timestampNs, skipped: message.skipped)
  }

  func record(sequence: UInt64, timestampNs: Int64, skipped: UInt64) {
    if recordsLatency {
      let latency = Monotonic.now() - timestampNs
      latencies.withLock { $0.append((sequence, latency)) }
    }
    skippedCount.wrappingAdd(Int(skipped), ordering: .relaxed)
    receivedCount.wrappingAdd(1, ordering: .relaxed)
    lastSequenceSeen.store(sequence, ordering: .releasing)
  }

  /// Latencies recorded for sequences in `range`.
  func latencies(in range: ClosedRange<UInt64>) -> [UInt64: Int64] {
    guard recordsLatency else { return [:] }
    return latencies.withLock { entries in
      var byTick: [UInt64: Int64] = [:]
      for entry in entries where range.contains(entry.sequence) { byTick[entry.sequence] = entry.nanoseconds }
      return byTick
    }
  }
}

/// The event-loop groups of one benchmark run and the kernel threads behind them.
struct FanoutGroups: Sendable {
  let server: MultiThreadedEventLoopGroup
  let client: MultiThreadedEventLoopGroup
  let publisher: MultiThreadedEventLoopGroup
  let roles: ThreadRoles

  static func make(_ options: FanoutOptions) async throws -> FanoutGroups {
    func group(_ threads: Int, cpu: Int) -> MultiThreadedEventLoopGroup {
      #if os(Linux)
      if options.pin { return MultiThreadedEventLoopGroup(pinnedCPUIDs: Array(repeating: cpu, count: threads)) }
      #endif
      return MultiThreadedEventLoopGroup(numberOfThreads: threads)
    }
    let server = group(options.serverThreads, cpu: 0)
    let client = group(options.clientThreads, cpu: 1)
    let publisher = group(1, cpu: 1)
    func threadIDs(_ group: MultiThreadedEventLoopGroup) async throws -> [Int] {
      var ids: [Int] = []
      for loop in group.makeIterator() {
        if let id = try await loop.submit({ ThreadCPU.currentThreadID() }).get() { ids.append(id) }
      }
      return ids
    }
    let roles = ThreadRoles(
      server: try await threadIDs(server), client: try await threadIDs(client), publisher: try await threadIDs(publisher))
    return FanoutGroups(server: server, client: client, publisher: publisher, roles: roles)
  }

  func shutdown() async {
    for group in [server, client, publisher] { try? await group.shutdownGracefully() }
  }
}

/// A CA, a server certificate for 127.0.0.1 and the matching client trust.
struct FanoutPKI: Sendable {
  let server: TLSConfiguration
  let client: TLSConfiguration

  static func make() throws -> FanoutPKI {
    let ca = try DevelopmentPKI.CertificateAuthority.generate(commonName: "pricing-fanout CA")
    let leaf = try ca.issue(commonName: "localhost", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], usage: .server)
    return FanoutPKI(
      server: .server(certificateChain: leaf.certificate, privateKey: leaf.privateKey, clientCertificateTrustRoots: nil),
      client: .client(trustRoots: ca.certificate))
  }
}

/// Why a run could not measure.
struct FanoutRunError: Error, CustomStringConvertible {
  let description: String
}

/// A pricing service served over loopback TLS, with `subscribers` subscribers streaming
/// `symbols` over `connections` shared TLS connections.
final class FanoutRig: Sendable {
  let service: PricingService
  let symbols: [Symbol]
  let tallies: [SubscriberTally]
  let deliver: @Sendable (Quote) -> Void
  let connections: Int
  private let server: GRPCServer
  private let channels: [GRPCChannel]
  private let runner: Task<Void, any Error>
  private let subscriberTasks: Mutex<[Task<Void, Never>]>
  private let stopping = Atomic<Bool>(false)
  private let failures = Mutex<[String]>([])

  private init(
    service: PricingService, symbols: [Symbol], tallies: [SubscriberTally], deliver: @escaping @Sendable (Quote) -> Void,
    server: GRPCServer, channels: [GRPCChannel], runner: Task<Void, any Error>
  ) {
    self.service = service
    self.symbols = symbols
    self.tallies = tallies
    self.deliver = deliver
    self.server = server
    self.channels = channels
    self.connections = channels.count
    self.runner = runner
    self.subscriberTasks = Mutex([])
  }

  /// Starts the service and server, subscribes everyone and opens every stream.
  static func start(
    subscribers: Int, symbols: [Symbol], connections: Int, recordLatency: Bool, client: FanoutOptions.Client,
    groups: FanoutGroups, pki: FanoutPKI
  ) async throws -> FanoutRig {
    let feed = PushFeed()
    // Every subscriber's disconnect is logged at info; only warnings are worth printing here.
    var logger = Logger(label: "pricing-fanout")
    logger.logLevel = .warning
    let service = PricingService(
      configuration: PricingConfiguration(capacity: symbols.count), feed: feed,
      now: { Timestamp(nanosecondsSinceEpoch: Monotonic.now()) }, logger: logger)
    let runner = Task { try await service.run() }
    let deliver = await feed.started()

    // Each connection carries up to ⌈subscribers / connections⌉ streams; raise both sides'
    // concurrent-stream limits above that (the default is 100).
    var http2 = HTTP2Configuration.defaults
    http2.maxConcurrentStreams = max(http2.maxConcurrentStreams, (subscribers + connections - 1) / connections + 10)
    let server = GRPCServer(
      configuration: GRPCServerConfiguration(security: .tls(pki.server), http2: http2, shutdownGracePeriod: .seconds(1)),
      services: [service], group: groups.server)
    let port = try await server.start()
    let channels = try (0..<connections).map { _ in
      try GRPCChannel(
        configuration: GRPCChannelConfiguration(
          endpoints: [Endpoint(host: "127.0.0.1", port: port)], security: .tls(pki.client), http2: http2),
        group: groups.client)
    }
    let tallies = (0..<subscribers).map { _ in SubscriberTally(recordLatency: recordLatency) }
    let rig = FanoutRig(
      service: service, symbols: symbols, tallies: tallies, deliver: deliver, server: server, channels: channels,
      runner: runner)

    let tickers = symbols.map { Slipstream_Types_V1_Symbol($0) }
    for index in 0..<subscribers {
      let rpc = RPCClient(transport: channels[index % connections])
      let pricing = PricingClient(rpc)
      var subscribe = Slipstream_Pricing_V1_SubscribeBulkRequest()
      subscribe.clientID = "sub-\(index)"
      subscribe.symbols = tickers
      subscribe.priority = .normal
      let response = try await pricing.subscribeBulk(subscribe)
      guard response.results.allSatisfy({ $0.outcome != .refused }) else {
        throw FanoutRunError(description: "SubscribeBulk refused for sub-\(index): \(response.results.map(\.detail))")
      }
      var request = Slipstream_Pricing_V1_StreamQuotesRequest()
      request.clientID = subscribe.clientID
      request.symbols = tickers
      // The subscriber's task runs on its connection's loop (the channel's executor).
      let executor = channels[index % connections].executor
      switch client {
      case .decode: rig.open(pricing, request, tally: tallies[index], executor: executor)
      case .lean: rig.openLean(rpc, request, tally: tallies[index], executor: executor)
      }
    }
    return rig
  }

  private func open(
    _ client: PricingClient, _ request: Slipstream_Pricing_V1_StreamQuotesRequest, tally: SubscriberTally,
    executor: EventLoopTaskExecutor
  ) {
    let task = Task(executorPreference: executor) {
      do {
        try await client.streamQuotes(request) { response in
          for try await message in response.messages { tally.record(message) }
        }
      } catch {
        if !self.stopping.load(ordering: .relaxed) { self.failures.withLock { $0.append("\(request.clientID): \(error)") } }
      }
    }
    subscriberTasks.withLock { $0.append(task) }
  }

  /// Like ``open(_:_:tally:executor:)``, but the responses arrive as raw bytes and only the
  /// fields the tally needs are read (``LeanStreamResponse``).
  private func openLean(
    _ rpc: RPCClient, _ request: Slipstream_Pricing_V1_StreamQuotesRequest, tally: SubscriberTally,
    executor: EventLoopTaskExecutor
  ) {
    let task = Task(executorPreference: executor) {
      do {
        try await rpc.serverStreaming(
          Slipstream_Pricing_V1_PricingService.Method.streamQuotes, request: request,
          serializer: ProtobufSerializer<Slipstream_Pricing_V1_StreamQuotesRequest>(), deserializer: RawBytesCodec()
        ) { response in
          for try await bytes in response.messages {
            guard let message = LeanStreamResponse(bytes) else {
              throw FanoutRunError(description: "a StreamQuotesResponse of \(bytes.count) bytes did not parse")
            }
            tally.record(sequence: message.sequence, timestampNs: message.timestampNs, skipped: message.skipped)
          }
        }
      } catch {
        if !self.stopping.load(ordering: .relaxed) { self.failures.withLock { $0.append("\(request.clientID): \(error)") } }
      }
    }
    subscriberTasks.withLock { $0.append(task) }
  }

  /// Stream failures seen while running.
  var streamFailures: [String] { failures.withLock { $0 } }

  /// Publishes a tick of every symbol every 2 ms until every subscriber has received one
  /// (so every stream is attached to the hub).
  /// - Throws: ``FanoutRunError`` when that takes longer than `timeout`.
  func warmUp(timeout: Duration = .seconds(60)) async throws {
    let maker = TickMaker()
    let deadline = ContinuousClock.now + timeout
    while tallies.contains(where: { $0.received == 0 }) {
      if let failure = streamFailures.first { throw FanoutRunError(description: "a stream failed: \(failure)") }
      guard ContinuousClock.now < deadline else {
        let waiting = tallies.filter { $0.received == 0 }.count
        throw FanoutRunError(description: "\(waiting) of \(tallies.count) subscribers received nothing within \(timeout)")
      }
      for symbol in symbols { deliver(maker.quote(symbol, at: Monotonic.now())) }
      try await Task.sleep(for: .milliseconds(2))
    }
  }

  /// Warms up, runs `body` and stops the rig, also when either throws.
  func measure<Result>(_ body: (FanoutRig) async throws -> Result) async throws -> Result {
    do {
      try await warmUp()
      let result = try await body(self)
      await stop()
      return result
    } catch {
      await stop()
      throw error
    }
  }

  /// Totals over every subscriber.
  var received: Int { tallies.reduce(0) { $0 + $1.received } }
  var skipped: Int { tallies.reduce(0) { $0 + $1.skipped } }

  /// Closes the streams, the connections and the server.
  func stop() async {
    stopping.store(true, ordering: .relaxed)
    let tasks = subscriberTasks.withLock { $0 }
    for task in tasks { task.cancel() }
    for task in tasks { await task.value }
    for channel in channels { await channel.close() }
    await server.shutdownGracefully()
    runner.cancel()
    _ = try? await runner.value
  }
}
