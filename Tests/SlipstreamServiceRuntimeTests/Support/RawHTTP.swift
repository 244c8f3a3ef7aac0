import NIOCore
import NIOPosix

/// Sends raw bytes to 127.0.0.1:`port` and returns everything the server sends until it
/// closes the connection (requests say `Connection: close`).
func rawExchange(port: Int, _ request: String) async throws -> String {
  let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
    .connect(host: "127.0.0.1", port: port) { channel in
      channel.eventLoop.makeCompletedFuture {
        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
      }
    }
  return try await withFailureGuard {
    try await channel.executeThenClose { inbound, outbound in
      try await outbound.write(ByteBuffer(string: request))
      var response = ""
      for try await chunk in inbound { response += String(buffer: chunk) }
      return response
    }
  }
}

struct TimedOut: Error {}

/// Runs `body`, failing with ``TimedOut`` if it has not finished after `seconds`: a guard
/// against a hung test, never a stand-in for an event.
func withFailureGuard<T: Sendable>(seconds: Int = 20, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
  try await withThrowingTaskGroup(of: T.self) { group in
    group.addTask { try await body() }
    group.addTask {
      try await Task.sleep(for: .seconds(seconds))
      throw TimedOut()
    }
    defer { group.cancelAll() }
    return try await group.next()!
  }
}
