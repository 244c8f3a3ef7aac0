import Foundation
import SlipstreamHTTP2
import Testing

/// Our server against independent HTTP/2 clients: nghttp (nghttp2-client) and python-h2.
@Suite("Server interop with independent clients")
struct ServerInteropTests {
  @Test("nghttp uploads a body; the echo comes back byte for byte with status 200 and trailers", arguments: [0, 1, 100_000])
  func nghttpEcho(bodyLength: Int) async throws {
    let nghttp = try #require(ExternalProcess.which("nghttp"), "nghttp (Debian package nghttp2-client) must be installed")
    let server = try await ServerHarness.start()
    defer { Task { try? await server.stop() } }
    let body = Data(Pattern.bytes(from: 0, count: bodyLength))
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("nghttp-body-\(UUID().uuidString)")
    try body.write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let url = "http://127.0.0.1:\(server.port)/echo"

    let plain = try await ExternalProcess.run(nghttp, [url, "-d", file.path])
    #expect(plain.status == 0)
    #expect(plain.stdout == body)

    let verbose = try await ExternalProcess.run(nghttp, ["-v", "-n", url, "-d", file.path])
    let text = String(decoding: verbose.stdout, as: UTF8.self)
    #expect(verbose.status == 0)
    #expect(text.contains(":status: 200"))
    #expect(text.contains("x-trailer: done"))
    #expect(text.contains("grpc-status: 0"))
  }

  @Test("python-h2 sends a body; the echo, status and trailers come back", arguments: [0, 70_000, 2_000_000])
  func pythonH2Echo(bodyLength: Int) async throws {
    let python = try #require(ExternalProcess.which("python3"), "python3 with the h2 package must be installed")
    let server = try await ServerHarness.start()
    defer { Task { try? await server.stop() } }
    let result = try await ExternalProcess.run(python, H2ClientScript.pythonArguments(["127.0.0.1", "\(server.port)", "/echo", "\(bodyLength)"]))
    #expect(result.status == 0)
    let json = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
    #expect(json["status"] as? String == "200")
    #expect(json["body_len"] as? Int == bodyLength)
    #expect(json["body_ok"] as? Bool == true)
    #expect((json["trailers"] as? [String: String]) == ["x-trailer": "done", "grpc-status": "0"])
    #expect(json["reset"] is NSNull)
  }

  @Test("python-h2 sending a 9 KB header list gets RST_STREAM(ENHANCE_YOUR_CALM); the server never sees the stream")
  func pythonH2OversizedHeaders() async throws {
    let python = try #require(ExternalProcess.which("python3"), "python3 with the h2 package must be installed")
    let server = try await ServerHarness.start()
    defer { Task { try? await server.stop() } }
    let result = try await ExternalProcess.run(python, H2ClientScript.pythonArguments(["127.0.0.1", "\(server.port)", "/echo", "0", "big-header"]))
    #expect(result.status == 0)
    let json = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
    #expect(json["reset"] as? Int == Int(HTTP2ErrorCode.enhanceYourCalm.rawValue))
    #expect(json["status"] is NSNull)
    #expect(!server.recorder.snapshot.events.contains { if case .opened = $0 { true } else { false } })
  }
}
