import Dispatch
import Foundation
import SlipstreamInterop
import SlipstreamTLS
import SlipstreamTransport

/// `interop-server`: grpc.testing.TestService over SlipstreamTransport, for the interop suite.
@main
enum InteropServerCommand {
  static func main() async {
    let options: InteropServerOptions
    do {
      guard let parsed = try InteropServerOptions.parse(Array(CommandLine.arguments.dropFirst())) else {
        writeLine(InteropServerOptions.usage)
        return
      }
      options = parsed
    } catch {
      FileHandle.standardError.write(Data("interop-server: \(error)\n".utf8))
      exit(2)
    }

    let security: ServerSecurity
    if let certificate = options.certificatePath, let key = options.privateKeyPath {
      security = .tls(.server(certificateChain: .file(certificate), privateKey: .file(key)))
    } else {
      security = .plaintext
    }
    let server = GRPCServer(
      configuration: GRPCServerConfiguration(host: options.host, port: options.port, security: security),
      services: [InteropTestService()]
    )
    do {
      let port = try await server.start()
      let mode = options.certificatePath == nil ? "plaintext" : "tls"
      writeLine("interop-server listening on \(options.host):\(port) (\(mode))")
    } catch {
      FileHandle.standardError.write(Data("interop-server: could not start: \(error)\n".utf8))
      exit(1)
    }
    await terminationSignal()
    await server.shutdownGracefully()
  }

  /// Returns once SIGINT or SIGTERM arrives.
  private static func terminationSignal() async {
    let (signals, continuation) = AsyncStream<Void>.makeStream()
    let sources = [SIGINT, SIGTERM].map { number in
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { continuation.yield() }
      source.resume()
      return source
    }
    for await _ in signals { break }
    sources.forEach { $0.cancel() }
  }
}

/// Writes one line to standard output at once (unbuffered, so a peer waiting for it sees it).
func writeLine(_ line: String) {
  try? FileHandle.standardOutput.write(contentsOf: Data((line + "\n").utf8))
}
