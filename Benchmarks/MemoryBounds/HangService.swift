import SlipstreamRPC
import SlipstreamTestSupport

/// `bench.Memory/Hang`: a unary call whose handler blocks until the call is cancelled, so a
/// stream stays open with its handler task alive. Counts the handlers that started.
final class HangService: RPCService {
  static let hang = MethodDescriptor(service: "bench.Memory", method: "Hang")

  private let started = CountSignal()

  func registerMethods(with router: inout RPCRouter) {
    router.registerUnary(Self.hang, deserializer: BytesCodec(), serializer: BytesCodec()) { [self] _, _ -> [UInt8] in
      started.increment()
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
    await started.wait(for: count)
  }
}

struct BytesCodec: MessageSerializer, MessageDeserializer {
  func serialize(_ message: [UInt8]) throws -> [UInt8] { message }
  func deserialize(_ bytes: [UInt8]) throws -> [UInt8] { bytes }
}
