import Testing

@testable import SlipstreamWire

@Suite struct MetadataTests {
  @Test func keepsOrderAndRepeatedKeys() throws {
    var metadata = Metadata()
    try metadata.addString("a", forKey: "x-tag")
    try metadata.addBinary([0, 1, 255], forKey: "trace-bin")
    try metadata.addString("b", forKey: "x-tag")
    #expect(metadata.count == 3)
    #expect(!metadata.isEmpty)
    #expect(metadata[stringValues: "x-tag"] == ["a", "b"])
    #expect(metadata[binaryValues: "trace-bin"] == [[0, 1, 255]])
    #expect(metadata.firstString(forKey: "x-tag") == "a")
    #expect(metadata.map(\.key) == ["x-tag", "trace-bin", "x-tag"])
    #expect(metadata.values(forKey: "X-TAG") == [.string("a"), .string("b")])
    metadata.removeAll(key: "X-Tag")
    #expect(metadata.count == 1)
    #expect(!metadata.contains(key: "x-tag"))
    #expect(metadata.contains(key: "trace-bin"))
  }

  @Test func upperCaseKeysAreLowerCasedOnInsert() throws {
    var metadata = Metadata()
    try metadata.addString("v", forKey: "X-Request-ID")
    #expect(metadata.map(\.key) == ["x-request-id"])
    #expect(metadata[stringValues: "x-request-id"] == ["v"])
    #expect(try Metadata.validateKey("ABC.def_1-2") == "abc.def_1-2")
  }

  @Test func dictionaryLiteral() {
    let metadata: Metadata = ["a": "1", "b-bin": .binary([9])]
    #expect(metadata[stringValues: "a"] == ["1"])
    #expect(metadata[binaryValues: "b-bin"] == [[9]])
  }

  @Test(arguments: ["", "a b", "a:b", "é", "a/b", ":path", "a\u{0}", "key\n"])
  func invalidKeysAreRefused(key: String) {
    var metadata = Metadata()
    #expect(throws: WireError(.invalidMetadataKey(key))) {
      try metadata.addString("v", forKey: key)
    }
    #expect(metadata.isEmpty)
  }

  @Test func binaryValueNeedsBinKey() {
    var metadata = Metadata()
    #expect(throws: WireError(.invalidMetadataValue(key: "trace"))) {
      try metadata.addBinary([1, 2], forKey: "Trace")
    }
    // "-bin" alone is not a binary key name (the suffix needs a name before it).
    #expect(throws: WireError(.invalidMetadataValue(key: "-bin"))) {
      try metadata.addBinary([1], forKey: "-bin")
    }
  }

  @Test func stringValueForBinKeyIsRefused() {
    var metadata = Metadata()
    #expect(throws: WireError(.invalidMetadataValue(key: "trace-bin"))) {
      try metadata.addString("AAEC", forKey: "trace-bin")
    }
  }

  @Test(arguments: ["tab\t", "new\nline", "del\u{7F}", "é", "nul\u{0}"])
  func nonPrintableStringValuesAreRefused(value: String) {
    var metadata = Metadata()
    #expect(throws: WireError(.invalidMetadataValue(key: "k"))) {
      try metadata.addString(value, forKey: "k")
    }
  }

  @Test(arguments: [
    "grpc-foo", "grpc-status", "GRPC-Timeout", "grpc-status-details-bin", "content-type",
    "te", "host", "connection", "transfer-encoding", "upgrade", "keep-alive",
    "proxy-connection", "content-length", ":path", ":authority",
  ])
  func reservedUserKeysAreRefused(key: String) {
    #expect(throws: WireError(.reservedMetadataKey(key))) {
      try Metadata.validateUserKey(key)
    }
  }

  @Test(arguments: ["user-agent", "authorization", "x-trace-id", "grpcfoo", "my-grpc-key", "a"])
  func ordinaryUserKeysAreAllowed(key: String) throws {
    try Metadata.validateUserKey(key)
  }

  @Test func validateUserKeysChecksEveryEntry() throws {
    var metadata: Metadata = ["a": "1"]
    try metadata.validateUserKeys()
    try metadata.addString("x", forKey: "grpc-x")
    #expect(throws: WireError(.reservedMetadataKey("grpc-x"))) { try metadata.validateUserKeys() }
  }

  @Test func validateUserKeyRefusesBadSyntax() {
    #expect(throws: WireError(.invalidMetadataKey("a b"))) { try Metadata.validateUserKey("a b") }
  }

  @Test(arguments: [
    [UInt8](), [0], [0, 1], [0, 1, 2], [255, 254, 253, 252], Array("hello".utf8),
  ])
  func headerFieldsRoundTrip(binary: [UInt8]) throws {
    var metadata = Metadata()
    try metadata.addString("Hello, World! ~", forKey: "greeting")
    try metadata.addBinary(binary, forKey: "blob-bin")
    try metadata.addString("", forKey: "empty")
    let fields = metadata.headerFields()
    #expect(fields.map(\.name) == ["greeting", "blob-bin", "empty"])
    #expect(fields[1].value == Base64.encode(binary, padded: false))
    #expect(!fields[1].value.hasSuffix("="))
    #expect(try Metadata(headerFields: fields) == metadata)
  }

  @Test func headerFieldParsingDropsTransportHeadersAndKeepsTheRest() throws {
    let fields: [(name: String, value: String)] = [
      (":path", "/a.B/C"), (":authority", "x"), ("content-type", "application/grpc"),
      ("te", "trailers"), ("grpc-timeout", "1S"), ("grpc-encoding", "gzip"),
      ("grpc-accept-encoding", "gzip"), ("grpc-status", "0"), ("grpc-message", "ok"),
      ("user-agent", "grpc-python/1.0"), ("grpc-status-details-bin", "CAE"),
      ("X-Upper", "kept lower-cased"), ("multi-bin", "AQ==, Ag,AwQ"),
    ]
    let metadata = try Metadata(headerFields: fields)
    #expect(metadata.map(\.key) == [
      "user-agent", "grpc-status-details-bin", "x-upper", "multi-bin", "multi-bin", "multi-bin",
    ])
    #expect(metadata[binaryValues: "grpc-status-details-bin"] == [[8, 1]])
    #expect(metadata[binaryValues: "multi-bin"] == [[1], [2], [3, 4]])
    #expect(metadata[stringValues: "x-upper"] == ["kept lower-cased"])
  }

  @Test(arguments: ["AQ=", "A", "!!!!", "AQ==,A"])
  func invalidBinaryHeaderValuesAreRefused(value: String) {
    #expect(throws: WireError(.invalidBase64)) {
      try Metadata(headerFields: [(name: "trace-bin", value: value)])
    }
  }

  @Test func invalidHeaderKeysAndValuesAreRefused() {
    #expect(throws: WireError(.invalidMetadataKey("bad key"))) {
      try Metadata(headerFields: [(name: "bad key", value: "v")])
    }
    #expect(throws: WireError(.invalidMetadataValue(key: "k"))) {
      try Metadata(headerFields: [(name: "k", value: "line\nbreak")])
    }
  }

  /// The length-first check agrees with the documented set, for every member and for
  /// near misses of the same lengths.
  @Test func transportHeaderCheckMatchesTheSet() {
    for name in Metadata.transportHeaderNames { #expect(Metadata.isTransportHeader(name), "\(name)") }
    for name in ["", "t", "tf", "hosts", "user-agent", "grpc-statuz", "content-typo", "grpc-timeouts", "x-bin", "authorization"] {
      #expect(Metadata.isTransportHeader(name) == Metadata.transportHeaderNames.contains(name), "\(name)")
    }
  }

  @Test func binaryKeysEndInDashBin() {
    #expect(Metadata.isBinaryKey("x-trace-bin"))
    #expect(Metadata.isBinaryKey("a-bin"))
    #expect(!Metadata.isBinaryKey("-bin"))
    #expect(!Metadata.isBinaryKey("x-trace-bim"))
    #expect(!Metadata.isBinaryKey("bin"))
  }

}
