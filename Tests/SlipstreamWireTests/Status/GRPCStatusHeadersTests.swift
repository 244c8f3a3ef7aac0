import Testing

@testable import SlipstreamWire

@Suite struct GRPCStatusHeadersTests {
  @Test(arguments: [
    Status.ok, Status(code: .notFound, message: "no order 42"),
    Status(code: .internalError, message: "boom 💥 100%\n"),
    Status(code: .unauthenticated, message: ""),
  ])
  func fieldsRoundTrip(status: Status) throws {
    let fields = GRPCStatusHeaders.fields(for: status)
    #expect(fields[0].name == "grpc-status")
    #expect(fields[0].value == String(status.code.rawValue))
    #expect(fields.count == (status.message.isEmpty ? 1 : 2))
    let message = fields.count == 2 ? fields[1].value : nil
    #expect(try GRPCStatusHeaders.parse(status: fields[0].value, message: message) == status)
  }

  @Test func messageIsPercentEncoded() {
    let fields = GRPCStatusHeaders.fields(for: Status(code: .aborted, message: "é%"))
    #expect(fields[1].name == "grpc-message")
    #expect(fields[1].value == "%C3%A9%25")
  }

  @Test func unknownNumericCodeBecomesUnknownKeepingMessage() throws {
    let status = try GRPCStatusHeaders.parse(status: "42", message: "x")
    #expect(status == Status(code: .unknown, message: "x"))
  }

  @Test(arguments: ["", "abc", "-1", "+1", " 1", "1 ", "0x1", "12345678901", "1.0"])
  func malformedStatusIsRefused(value: String) {
    #expect(throws: WireError(.invalidStatus(value))) {
      try GRPCStatusHeaders.parse(status: value, message: nil)
    }
  }

  @Test func missingStatusIsRefused() {
    #expect(throws: WireError(.invalidStatus("missing grpc-status"))) {
      try GRPCStatusHeaders.parse(status: nil, message: "hello")
    }
  }
}
