// slipstream-quotes-server: the benchmark server. The same two raw-bytes methods as the peers
// in /work/shared/peers (grpc-swift-2, grpcio), served by SlipstreamTransport's GRPCServer.
//
//   /bench.Quotes/GetQuote  unary: request ~16 B, reply 64 B (request echoed into bytes 32...)
//   /bench.Quotes/Stream    server-streaming: request = u64 LE count N (+ padding),
//                           reply N x 64 B, sequence number stamped at bytes 56..<64
//
// Usage: slipstream-quotes-server --port P [--tls CERT KEY] [--threads N] [--handlers pool|event-loop]
//
// Not a product: run by Benchmarks/run.py, pinned to one core (hence one event-loop thread
// by default: NIO's System.coreCount ignores taskset).
import NIOPosix
import SlipstreamRPC
import SlipstreamTLS
import SlipstreamTransport

#if canImport(Glibc)
import Glibc
#endif

/// The two benchmark methods over raw bytes.
struct QuotesService: RPCService {
  static let getQuote = MethodDescriptor(service: "bench.Quotes", method: "GetQuote")
  static let stream = MethodDescriptor(service: "bench.Quotes", method: "Stream")

  /// `QUOTE|EURUSD|1.08425|1.08427|` padded with dots to exactly 64 bytes, as the peers.
  static let quoteTemplate: [UInt8] = {
    let head = Array("QUOTE|EURUSD|1.08425|1.08427|".utf8)
    return head + [UInt8](repeating: 0x2E, count: 64 - head.count)
  }()

  /// Messages sent when a Stream request carries no count (as the peers).
  static let defaultStreamCount: UInt64 = 1000

  /// The unary reply: the template with up to 32 request bytes copied in at offset 32.
  static func reply(to request: [UInt8]) -> [UInt8] {
    var reply = quoteTemplate
    let n = min(request.count, 32)
    for i in 0..<n { reply[32 + i] = request[i] }
    return reply
  }

  /// The number of messages a Stream request asks for: its first 8 bytes, little-endian.
  static func streamCount(_ request: [UInt8]) -> UInt64 {
    guard request.count >= 8 else { return defaultStreamCount }
    var count: UInt64 = 0
    for i in 0..<8 { count |= UInt64(request[i]) << (8 * UInt64(i)) }
    return count
  }

  func registerMethods(with router: inout RPCRouter) {
    router.registerUnary(
      Self.getQuote,
      deserializer: RawBytesCodec(),
      serializer: RawBytesCodec()
    ) { request, _ in
      Self.reply(to: request)
    }

    router.registerServerStreaming(
      Self.stream,
      deserializer: RawBytesCodec(),
      serializer: RawBytesCodec()
    ) { request, writer, _ in
      let total = Self.streamCount(request)
      var message = Self.quoteTemplate
      var sequence: UInt64 = 0
      while sequence < total {
        withUnsafeBytes(of: sequence.littleEndian) { bytes in
          for j in 0..<8 { message[56 + j] = bytes[j] }
        }
        try await writer.write(message)
        sequence += 1
      }
    }
  }
}

/// Command-line options.
struct Options {
  var port = 50051
  var certificatePath: String?
  var keyPath: String?
  var threads = 1
  var handlers = HandlerExecution.concurrentPool

  static let usage = "usage: slipstream-quotes-server --port P [--tls CERT KEY] [--threads N] [--handlers pool|event-loop]"

  /// Parses the arguments; exits with the usage line on anything it does not understand.
  static func parse(_ arguments: [String]) -> Options {
    var options = Options()
    var iterator = arguments.makeIterator()
    func value(_ flag: String) -> String {
      guard let value = iterator.next() else { fail("\(flag) needs a value") }
      return value
    }
    func number(_ flag: String) -> Int {
      let text = value(flag)
      guard let number = Int(text), number >= 0 else { fail("\(flag) wants a number, got '\(text)'") }
      return number
    }
    while let argument = iterator.next() {
      switch argument {
      case "--port": options.port = number(argument)
      case "--threads": options.threads = max(1, number(argument))
      case "--handlers":
        switch value(argument) {
        case "pool": options.handlers = .concurrentPool
        case "event-loop": options.handlers = .eventLoop
        case let other: fail("--handlers wants pool or event-loop, got '\(other)'")
        }
      case "--tls":
        options.certificatePath = value(argument)
        options.keyPath = value(argument)
      case "-h", "--help":
        print(usage)
        exit(0)
      default: fail("unknown argument '\(argument)'")
      }
    }
    return options
  }

  static func fail(_ message: String) -> Never {
    var standardError = StandardError()
    print("slipstream-quotes-server: \(message)\n\(usage)", to: &standardError)
    exit(2)
  }
}

struct StandardError: TextOutputStream {
  mutating func write(_ string: String) {
    var string = string
    string.withUTF8 { bytes in _ = Glibc.write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
  }
}

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
let security: ServerSecurity
if let certificatePath = options.certificatePath, let keyPath = options.keyPath {
  security = .tls(.server(certificateChain: .file(certificatePath), privateKey: .file(keyPath)))
} else {
  security = .plaintext
}

let group = MultiThreadedEventLoopGroup(numberOfThreads: options.threads)
let server = GRPCServer(
  configuration: GRPCServerConfiguration(
    host: "127.0.0.1", port: options.port, security: security, handlerExecution: options.handlers),
  services: [QuotesService()],
  group: group
)
do {
  let port = try await server.start()
  print(
    "slipstream-quotes-server listening on 127.0.0.1:\(port) tls=\(options.certificatePath != nil) "
      + "elThreads=\(options.threads) handlers=\(options.handlers == .eventLoop ? "event-loop" : "pool")"
  )
  fflush(nil)  // stdout is a pipe when run by run.py: flush the listening line now
  try await server.serve()
} catch {
  Options.fail("cannot serve: \(error)")
}
