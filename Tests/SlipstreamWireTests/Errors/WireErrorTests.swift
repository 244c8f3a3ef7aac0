import Testing

@testable import SlipstreamWire

@Suite struct WireErrorTests {
  @Test(arguments: [
    (WireError.Kind.truncatedMessage, StatusCode.internalError),
    (.messageTooLarge(length: 10, limit: 5), .resourceExhausted),
    (.compressedWithoutEncoding, .internalError),
    (.invalidCompressionFlag(2), .internalError),
    (.unsupportedEncoding("br"), .unimplemented),
    (.decompressionFailed("x"), .internalError),
    (.compressionFailed, .internalError),
    (.invalidTimeout("x"), .internalError),
    (.invalidBase64, .internalError),
    (.invalidMetadataKey("A B"), .internalError),
    (.reservedMetadataKey("te"), .invalidArgument),
    (.invalidMetadataValue(key: "k"), .internalError),
    (.invalidContentType("text/html"), .unknown),
    (.invalidStatus("x"), .internalError),
  ])
  func mapsToSpecStatusCodes(kind: WireError.Kind, code: StatusCode) {
    let error = WireError(kind)
    #expect(error.statusCode == code)
    #expect(error.status.code == code)
    #expect(error.status.message == error.description)
    #expect(!error.description.isEmpty)
  }

  @Test func descriptionsNameTheOffendingValue() {
    #expect(WireError(.messageTooLarge(length: 10, limit: 5)).description.contains("10 bytes"))
    #expect(WireError(.invalidTimeout("5X")).description.contains("'5X'"))
    #expect(WireError(.reservedMetadataKey("te")).description.contains("'te'"))
  }
}
