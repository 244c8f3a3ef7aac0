import SlipstreamRPC
import Synchronization

/// `bench.Memory/Hang`: a unary call whose handler blocks until the call is cancelled, so a
/// stream stays open with its handler task alive. Counts the handlers that started.
final class HangService: RPCService {
  static let hang = MethodDescriptor(service: "bench.Memory", method: "Hang")

  private struct State {
    var started = 0
    var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
  }
  private let state = Mutex(State())

  func registerMethods(with router: inout RPCRouter) {
    router.registerUnary(Self.hang, deserializer: BytesCodec(), serializer: BytesCodec()) { [self] _, _ -> [UInt8] in
      handlerStarted()
      let (stream, continuation) = AsyncStream<Never>.makeStream()
      await withTaskCancellationHandler {
        for await _ in stream {}
      } onCancel: {
        continuation.finish()
      }
      throw CancellationError()
    }
  }

  /// Returns once `count` handlers have started (in total, since the service was made).
  func waitForHandlers(_ count: Int) async {
    await withCheckedContinuation { continuation in
      let now = state.withLock { state -> Bool in
        if state.started >= count { return true }
        state.waiters.append((count, continuation))
        return false
      }
      if now { continuation.resume() }
    }
  }

  private func handlerStarted() {
    let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
      state.started += 1
      let started = state.started
      let ready = state.waiters.filter { $0.count <= started }.map(\.continuation)
      state.waiters.removeAll { $0.count <= started }
      return ready
    }
    for continuation in ready { continuation.resume() }
  }
}

struct BytesCodec: MessageSerializer, MessageDeserializer {
  func serialize(_ message: [UInt8]) throws -> [UInt8] { message }
  func deserialize(_ bytes: [UInt8]) throws -> [UInt8] { bytes }
}
