import Testing

@testable import SlipstreamWire

@Suite struct CompressionAlgorithmTests {
  @Test(arguments: [
    ("gzip", CompressionAlgorithm.gzip), ("GZIP", .gzip), (" gzip ", .gzip),
    ("identity", .identity), ("Identity", .identity),
  ])
  func parsesGRPCEncoding(value: String, algorithm: CompressionAlgorithm) throws {
    #expect(try CompressionAlgorithm(encodingHeader: value) == algorithm)
  }

  @Test(arguments: ["deflate", "snappy", "br", "", "gz ip", "gzip,identity"])
  func unsupportedEncodingIsRefused(value: String) {
    #expect(throws: WireError(.unsupportedEncoding(value))) {
      try CompressionAlgorithm(encodingHeader: value)
    }
  }

  @Test(arguments: [
    ("gzip", [CompressionAlgorithm.gzip]), ("identity,deflate,gzip", [.identity, .gzip]),
    (" gzip , GZIP, identity ", [.gzip, .identity]), ("", []), ("snappy", []),
  ])
  func parsesGRPCAcceptEncoding(value: String, algorithms: [CompressionAlgorithm]) {
    #expect(CompressionAlgorithm.parseAcceptEncoding(value) == algorithms)
  }

  @Test func acceptEncodingHeaderValue() {
    #expect(CompressionAlgorithm.acceptEncodingHeaderValue([.gzip, .identity]) == "gzip,identity")
  }
}
