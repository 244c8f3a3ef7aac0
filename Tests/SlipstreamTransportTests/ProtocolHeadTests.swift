import SlipstreamHTTP2
@testable import SlipstreamTransport
import SlipstreamWire
import Testing

@Suite("Request and response heads (pure)")
struct ProtocolHeadTests {
  static func request(_ extra: [(String, String)] = [], method: String = "POST", contentType: String? = "application/grpc") -> [HTTP2HeaderField] {
    var fields: [(String, String)] = [(":method", method), (":scheme", "https"), (":path", "/a.B/C"), (":authority", "x")]
    if let contentType { fields.append(("content-type", contentType)) }
    fields.append(("te", "trailers"))
    fields.append(contentsOf: extra)
    return fields.map { HTTP2HeaderField(name: $0.0, value: $0.1) }
  }

  @Test func aValidHeadCarriesPathTimeoutEncodingsAndMetadata() throws {
    let head = try RequestHead(fields: Self.request([
      ("grpc-timeout", "250m"), ("grpc-encoding", "gzip"), ("grpc-accept-encoding", "identity, gzip"), ("x-order", "42"),
    ]))
    #expect(head.path == "/a.B/C")
    #expect(head.timeout == .milliseconds(250))
    #expect(head.encoding == .gzip)
    #expect(head.acceptedEncodings == [.identity, .gzip])
    #expect(head.metadata.firstString(forKey: "x-order") == "42")
    #expect(head.metadata.firstString(forKey: "grpc-timeout") == nil)
  }

  @Test func nonPostIsHTTP405() {
    #expect(throws: RequestHead.Refusal.http(status: 405, message: "gRPC requires POST, got GET.")) {
      try RequestHead(fields: Self.request(method: "GET"))
    }
  }

  @Test(arguments: [nil, "text/html", "application/json"])
  func nonGRPCContentTypeIsHTTP415(contentType: String?) {
    #expect(throws: RequestHead.Refusal.http(status: 415, message: "Unsupported content-type '\(contentType ?? "")'; expected application/grpc.")) {
      try RequestHead(fields: Self.request(contentType: contentType))
    }
  }

  @Test(arguments: ["", "1", "123456789S", "-1S", "10x", "1.5S"])
  func badTimeoutIsInternal(value: String) {
    #expect(throws: RequestHead.Refusal.grpc(Status(code: .internalError, message: "Invalid grpc-timeout '\(value)'."), extraHeaders: [])) {
      try RequestHead(fields: Self.request([("grpc-timeout", value)]))
    }
  }

  @Test func unsupportedEncodingIsUnimplementedAndNamesWhatIsSupported() {
    #expect(throws: RequestHead.Refusal.grpc(
      Status(code: .unimplemented, message: "Message encoding 'br' is not supported; use identity or gzip."),
      extraHeaders: [(name: "grpc-accept-encoding", value: "identity,gzip")]
    )) {
      try RequestHead(fields: Self.request([("grpc-encoding", "br")]))
    }
  }

  @Test func badBinaryMetadataIsInternal() throws {
    do {
      _ = try RequestHead(fields: Self.request([("x-trace-bin", "not base64!")]))
      Issue.record("expected a refusal")
    } catch {
      guard case .grpc(let status, _) = error else { Issue.record("expected a gRPC refusal, got \(error)"); return }
      #expect(status.code == .internalError)
      #expect(status.message.hasPrefix("Invalid request metadata:"))
    }
  }

  @Test(arguments: [
    (400, StatusCode.internalError), (401, .unauthenticated), (403, .permissionDenied), (404, .unimplemented),
    (429, .unavailable), (502, .unavailable), (503, .unavailable), (504, .unavailable), (500, .unknown),
  ])
  func nonOKHTTPStatusMapsPerTheGRPCSpec(status: Int, code: StatusCode) {
    let outcome = ResponseHead.first([(name: ":status", value: String(status))], endStream: true)
    guard case .end(let result, _) = outcome else { Issue.record("expected an end"); return }
    #expect(result.code == code)
    #expect(result.message.contains("HTTP \(status)"))
  }

  @Test func trailersOnlyResponseCarriesStatusAndMetadata() {
    let outcome = ResponseHead.first([
      (name: ":status", value: "200"), (name: "content-type", value: "application/grpc"),
      (name: "grpc-status", value: "5"), (name: "grpc-message", value: "No%20quote"), (name: "x-why", value: "halted"),
    ], endStream: true)
    guard case .end(let status, let trailers) = outcome else { Issue.record("expected an end"); return }
    #expect(status == Status(code: .notFound, message: "No quote"))
    #expect(trailers.firstString(forKey: "x-why") == "halted")
  }

  @Test func trailersWithoutGRPCStatusAreInternal() {
    guard case .end(let status, _) = ResponseHead.trailers([(name: "x", value: "y")]) else { Issue.record("expected an end"); return }
    #expect(status.code == .internalError)
  }

  @Test func responseWithAWrongContentTypeIsUnknown() {
    guard case .end(let status, _) = ResponseHead.first([(name: ":status", value: "200"), (name: "content-type", value: "text/html")], endStream: false) else {
      Issue.record("expected an end"); return
    }
    #expect(status.code == .unknown)
  }

  @Test(arguments: [
    (UInt32(0x0), StatusCode.internalError), (0x1, .internalError), (0x2, .internalError), (0x3, .internalError),
    (0x7, .unavailable), (0x8, .cancelled), (0xB, .resourceExhausted), (0xC, .permissionDenied),
  ])
  func resetCodesMapPerTheGRPCSpec(code: UInt32, status: StatusCode) {
    #expect(ResetCodeMapping.statusCode(forHTTP2ErrorCode: code) == status)
  }
}
