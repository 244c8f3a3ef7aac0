import NIOCore
import NIOPosix
import SlipstreamTLS

/// Real TLS connections over 127.0.0.1 with ephemeral ports.
enum Loopback {
  static let group = MultiThreadedEventLoopGroup.singleton

  /// Starts a TLS server whose accepted connections report to `probe`.
  static func server(_ configuration: TLSConfiguration, probe: Probe) async throws -> any Channel {
    let context = try TLSContext(configuration: configuration, role: .server)
    return try await ServerBootstrap(group: self.group)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandlers([TLSHandler(context: context), probe.makeHandler()])
        }
      }
      .bind(host: "127.0.0.1", port: 0)
      .get()
  }

  /// Connects a TLS client to `server`.
  static func client(
    _ configuration: TLSConfiguration,
    to port: Int,
    serverHostname: String? = "localhost",
    probe: Probe
  ) async throws -> any Channel {
    let context = try TLSContext(configuration: configuration, role: .client)
    return try await ClientBootstrap(group: self.group)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandlers([
            TLSHandler(context: context, serverHostname: serverHostname), probe.makeHandler(),
          ])
        }
      }
      .connect(host: "127.0.0.1", port: port)
      .get()
  }

  /// Connects a plain TCP client (no TLS) to `server`.
  static func plainClient(to port: Int, probe: Probe) async throws -> any Channel {
    try await ClientBootstrap(group: self.group)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(probe.makeHandler()) }
      }
      .connect(host: "127.0.0.1", port: port)
      .get()
  }

  /// One server and one client connection, torn down afterwards.
  struct Pair {
    let server: any Channel
    let client: any Channel
    let serverProbe: Probe
    let clientProbe: Probe
  }

  static func withPair<T>(
    server serverConfiguration: TLSConfiguration,
    client clientConfiguration: TLSConfiguration,
    serverHostname: String? = "localhost",
    clientExpects expectedBytes: Int = 0,
    _ body: (Pair) async throws -> T
  ) async throws -> T {
    let loop = self.group.next()
    let serverProbe = Probe(on: loop, echo: true)
    let clientProbe = Probe(on: loop, expectedBytes: expectedBytes)
    defer {
      serverProbe.finish()
      clientProbe.finish()
    }
    let server = try await self.server(serverConfiguration, probe: serverProbe)
    defer { server.close(promise: nil) }
    let client = try await self.client(
      clientConfiguration,
      to: server.localAddress!.port!,
      serverHostname: serverHostname,
      probe: clientProbe
    )
    defer { client.close(promise: nil) }
    return try await body(Pair(server: server, client: client, serverProbe: serverProbe, clientProbe: clientProbe))
  }
}
