import Testing

@testable import SlipstreamWire

@Suite struct GRPCContentTypeTests {
  @Test(arguments: [
    "application/grpc", "application/grpc+proto", "application/grpc+json",
    "Application/GRPC", "APPLICATION/GRPC+PROTO", "application/grpc; charset=utf-8",
    "application/grpc+proto;foo=bar", " application/grpc ", "application/grpc+x ; a=b",
  ])
  func acceptsGRPC(value: String) throws {
    #expect(GRPCContentType.isGRPC(value))
    try GRPCContentType.validate(value)
  }

  @Test(arguments: [
    "", "application/json", "application/grpc-web", "application/grpc-web+proto",
    "application/grpc+", "application/grpcx", "application/grp", "text/grpc",
    "application/grpc+;x", "xapplication/grpc",
  ])
  func refusesEverythingElse(value: String) {
    #expect(!GRPCContentType.isGRPC(value))
    #expect(throws: WireError(.invalidContentType(value))) {
      try GRPCContentType.validate(value)
    }
  }

  @Test func missingContentTypeIsRefused() {
    #expect(throws: WireError(.invalidContentType(""))) { try GRPCContentType.validate(nil) }
  }

  @Test func constants() {
    #expect(GRPCContentType.grpc == "application/grpc")
    #expect(GRPCContentType.grpcProto == "application/grpc+proto")
  }
}
