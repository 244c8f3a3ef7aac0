import Foundation
import SlipstreamAPI
import SlipstreamWire
import SwiftProtobuf
import Testing

/// The Swift messages and Python's (grpcio-tools) agree on the wire, both directions, through
/// the codec's gRPC framing. compat.py builds the same sample table as ``APISamples``.
@Suite("wire compatibility with Python protobuf", .timeLimit(.minutes(1)))
struct WireCompatibilityTests {
  @Test("every sample survives a Swift encode/decode round trip", arguments: APISamples.all)
  func swiftRoundTrip(sample: APISample) throws {
    let bytes: [UInt8] = try sample.message.serializedBytes()
    let decoded = try type(of: sample.message).init(serializedBytes: bytes)
    #expect(decoded.isEqualTo(message: sample.message), "\(sample.name)")
  }

  @Test("Python-encoded samples decode in Swift, Swift-encoded samples decode in Python")
  func crossLanguageRoundTrip() async throws {
    try await withScratchDirectory { work in
      let emit = try await Self.runCompat("emit", work: work)
      try #require(emit.status == 0, "compat.py emit failed:\n\(emit.transcript)")

      let names = try String(contentsOf: work.appendingPathComponent("python.names"), encoding: .utf8)
        .split(separator: "\n").map(String.init)
      try #require(names == APISamples.all.map(\.name), "Python and Swift sample tables differ")

      let payloads = try Self.deframe(Array(Data(contentsOf: work.appendingPathComponent("python.frames"))))
      try #require(payloads.count == APISamples.all.count)
      var reencoded: [APISample] = []
      for (sample, payload) in zip(APISamples.all, payloads) {
        let decoded = try type(of: sample.message).init(serializedBytes: payload)
        #expect(
          decoded.isEqualTo(message: sample.message),
          """
          \(sample.name) decoded from Python differs
          --- decoded
          \(decoded.textFormatString())--- built in Swift
          \(sample.message.textFormatString())
          """
        )
        reencoded.append(APISample(name: sample.name, message: decoded))
      }
      try Self.write(APISamples.all, reencoded: reencoded, to: work)

      let verify = try await Self.runCompat("verify", work: work)
      #expect(verify.status == 0, "Python rejected Swift's bytes:\n\(verify.transcript)")
    }
  }

  @Test("compat.py reports a sample that differs (the check can fail)")
  func pythonDetectsMismatch() async throws {
    try await withScratchDirectory { work in
      var altered = APISamples.all
      let index = try #require(altered.firstIndex { $0.name == "slipstream.pricing.v1.GetQuotesResponse" })
      var quote = APISamples.quote
      quote.bid = APISamples.d("187.22")
      altered[index] = APISample(
        name: altered[index].name,
        message: Slipstream_Pricing_V1_GetQuotesResponse.with {
          $0.quotes = [quote, APISamples.btcQuote]
          $0.missing = [APISamples.eurusd]
          $0.staleTickers = ["BTC/USD"]
        }
      )
      try Self.write(altered, reencoded: altered, to: work)

      let verify = try await Self.runCompat("verify", work: work)
      #expect(verify.status == 1, "\(verify.transcript)")
      #expect(verify.standardError.contains("swift.frames: \(altered[index].name) differs"), "\(verify.transcript)")
    }
  }

  @Test("compat.py fails with an install hint when grpcio-tools cannot be imported")
  func missingGrpcToolsFails() async throws {
    try await withScratchDirectory { work in
      // -S -I: no site-packages, so grpcio and grpcio-tools are invisible.
      let run = try await Self.runCompat("emit", work: work, pythonFlags: ["-S", "-I"])
      #expect(run.status == 3, "\(run.transcript)")
      #expect(run.standardError.contains("pip install grpcio grpcio-tools"), "\(run.transcript)")
    }
  }

  /// Runs compat.py with python3.
  ///
  /// - Throws: ``ExternalToolError`` if python3 is not installed (the test must fail then).
  static func runCompat(_ step: String, work: URL, pythonFlags: [String] = []) async throws -> ToolRun {
    let python = try ExternalTool.locate("python3", install: ProtoSpec.pythonInstallHint)
    return try await ExternalTool.run(
      python,
      pythonFlags + [
        ProtoSpec.compatScript.path, step,
        "--proto-spec", ProtoSpec.directory.path,
        "--work", work.path,
      ]
    )
  }

  /// Writes what compat.py verifies: swift.names, swift.frames (`samples` encoded and framed)
  /// and swift-reencoded.frames (`reencoded` encoded and framed).
  ///
  /// - Throws: Encoding, framing (`WireError`) or file errors.
  static func write(_ samples: [APISample], reencoded: [APISample], to work: URL) throws {
    try Data(samples.map { "\($0.name)\n" }.joined().utf8)
      .write(to: work.appendingPathComponent("swift.names"))
    try Data(frame(samples)).write(to: work.appendingPathComponent("swift.frames"))
    try Data(frame(reencoded)).write(to: work.appendingPathComponent("swift-reencoded.frames"))
  }

  /// Encodes and frames messages with the codec's framer.
  ///
  /// - Throws: Encoding or framing (`WireError`) errors.
  static func frame(_ samples: [APISample]) throws -> [UInt8] {
    var framer = MessageFramer()
    var frames: [UInt8] = []
    for sample in samples {
      try framer.append(sample.message.serializedBytes() as [UInt8], into: &frames)
    }
    return frames
  }

  /// Splits gRPC length-prefixed messages with the codec's deframer.
  ///
  /// - Throws: `WireError` if the bytes are not a whole number of valid frames.
  static func deframe(_ bytes: [UInt8]) throws -> [[UInt8]] {
    var deframer = MessageDeframer(maximumMessageSize: 1 << 20)
    deframer.append(contentsOf: bytes)
    var payloads: [[UInt8]] = []
    while let payload = try deframer.next() {
      payloads.append(payload)
    }
    try deframer.finish()
    return payloads
  }
}
