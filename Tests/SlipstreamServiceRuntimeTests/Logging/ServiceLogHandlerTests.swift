import Foundation
import Logging
import SlipstreamServiceRuntime
import Testing

@Suite("Logging: JSON and text lines")
struct ServiceLogHandlerTests {
  /// 2026-11-21T14:31:09.123Z
  static let instant = Date(timeIntervalSince1970: 1_795_271_469.123_4)

  func logger(_ format: LogFormat, _ buffer: LineBuffer, level: Logger.Level = .info) -> Logger {
    var logger = Logger(label: "pricing.feed") { label in
      ServiceLogHandler(label: label, service: "pricing-service", format: format, output: buffer.output, now: { Self.instant })
    }
    logger.logLevel = level
    return logger
  }

  @Test func jsonLineHasTheFixedFieldsThenSortedMetadata() throws {
    let buffer = LineBuffer()
    var logger = logger(.json, buffer)
    logger[metadataKey: "replica"] = "2"
    logger.info("quote \"AAPL\"\nupdated", metadata: ["symbol": "AAPL", "bid": .stringConvertible(189.5)], source: "SlipstreamPricing")
    #expect(
      buffer.lines == [
        #"{"ts":"2026-11-21T14:31:09.123Z","level":"info","service":"pricing-service","logger":"pricing.feed","message":"quote \"AAPL\"\nupdated","source":"SlipstreamPricing","bid":"189.5","replica":"2","symbol":"AAPL"}"# + "\n"
      ]
    )
  }

  @Test func jsonLineIsOneParseableObject() throws {
    let buffer = LineBuffer()
    logger(.json, buffer).warning(
      "tab\there \u{01}",
      metadata: ["list": ["a", "b"], "nested": ["k": "v"], "message": "clash"],
      source: "S"
    )
    let line = try #require(buffer.lines.first)
    #expect(line.hasSuffix("}\n"))
    #expect(line.dropLast().contains("\n") == false)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    #expect(object["level"] as? String == "warning")
    #expect(object["message"] as? String == "tab\there \u{01}")
    #expect(object["meta_message"] as? String == "clash")
    #expect(object["list"] as? [String] == ["a", "b"])
    #expect(object["nested"] as? [String: String] == ["k": "v"])
    #expect(Set(object.keys) == ["ts", "level", "service", "logger", "message", "source", "list", "nested", "meta_message"])
  }

  @Test func textLineIsCompact() {
    let buffer = LineBuffer()
    logger(.text, buffer).notice("started", metadata: ["port": "50051", "mode": "paper trading", "empty": ""])
    #expect(buffer.lines == [#"2026-11-21T14:31:09.123Z notice pricing-service[pricing.feed] started empty="" mode="paper trading" port=50051"# + "\n"])
  }

  @Test func levelsBelowTheThresholdAreDropped() {
    let buffer = LineBuffer()
    let logger = logger(.text, buffer, level: .warning)
    logger.info("no")
    logger.error("yes")
    #expect(buffer.lines.count == 1)
    #expect(buffer.lines.first?.contains(" error pricing-service[pricing.feed] yes") == true)
  }

  @Test func providerAndEventMetadataMergeWithEventWinning() {
    let buffer = LineBuffer()
    let provider = Logger.MetadataProvider { ["trace": "t1", "symbol": "FROM_PROVIDER"] }
    let logger = Logger(label: "x") { label in
      ServiceLogHandler(label: label, service: "s", format: .text, output: buffer.output, metadataProvider: provider, now: { Self.instant })
    }
    logger.info("m", metadata: ["symbol": "AAPL"])
    #expect(buffer.lines == ["2026-11-21T14:31:09.123Z info s[x] m symbol=AAPL trace=t1\n"])
  }

  @Test(arguments: [
    (0.0, "1970-01-01T00:00:00.000Z"),
    (951_782_400.999, "2000-02-29T00:00:00.999Z"),
    (-0.5, "1969-12-31T23:59:59.500Z"),
  ])
  func timestampsAreUTCWithMilliseconds(seconds: Double, expected: String) {
    let buffer = LineBuffer()
    let logger = Logger(label: "x") { label in
      ServiceLogHandler(label: label, service: "s", format: .text, output: buffer.output, now: { Date(timeIntervalSince1970: seconds) })
    }
    logger.info("m")
    #expect(buffer.lines.first?.hasPrefix(expected + " ") == true)
  }
}
