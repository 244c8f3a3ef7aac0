import SlipstreamDomain
import Testing

@testable import SlipstreamAlpaca

@Suite("RFC 3339 timestamps")
struct AlpacaTimestampTests {
  /// 2024-03-05T15:04:05Z in seconds since the epoch.
  static let base: Int64 = 1_709_651_045

  @Test(
    "0 to 9 fraction digits",
    arguments: [
      ("2024-03-05T15:04:05Z", 0),
      ("2024-03-05T15:04:05.1Z", 100_000_000),
      ("2024-03-05T15:04:05.12Z", 120_000_000),
      ("2024-03-05T15:04:05.123Z", 123_000_000),
      ("2024-03-05T15:04:05.1234Z", 123_400_000),
      ("2024-03-05T15:04:05.12345Z", 123_450_000),
      ("2024-03-05T15:04:05.123456Z", 123_456_000),
      ("2024-03-05T15:04:05.1234567Z", 123_456_700),
      ("2024-03-05T15:04:05.12345678Z", 123_456_780),
      ("2024-03-05T15:04:05.123456789Z", 123_456_789),
      ("2024-03-05T15:04:05.000000001Z", 1),
      ("2024-03-05t15:04:05.5z", 500_000_000),
    ] as [(String, Int64)])
  func fractions(text: String, nanos: Int64) {
    #expect(Timestamp(rfc3339: text) == Timestamp(nanosecondsSinceEpoch: Self.base * 1_000_000_000 + nanos))
  }

  @Test("offsets are applied")
  func offsets() {
    let utc = Timestamp(rfc3339: "2024-03-05T15:04:05Z")
    #expect(Timestamp(rfc3339: "2024-03-05T10:04:05-05:00") == utc)
    #expect(Timestamp(rfc3339: "2024-03-05T20:34:05+05:30") == utc)
  }

  @Test("the epoch, a leap day and dates before 1970")
  func calendar() {
    #expect(Timestamp(rfc3339: "1970-01-01T00:00:00Z") == Timestamp(nanosecondsSinceEpoch: 0))
    #expect(Timestamp(rfc3339: "2024-02-29T00:00:00Z") == Timestamp(secondsSinceEpoch: 1_709_164_800))
    #expect(Timestamp(rfc3339: "1969-12-31T23:59:59.5Z") == Timestamp(nanosecondsSinceEpoch: -500_000_000))
  }

  @Test(
    "malformed or impossible timestamps are refused",
    arguments: [
      "", "2024-03-05", "2024-03-05T15:04:05", "2024-03-05 15:04:05Z", "2024-03-05T15:04:05.Z",
      "2024-03-05T15:04:05.1234567890Z", "2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z",
      "2024-03-05T24:00:00Z", "2024-03-05T15:60:00Z", "2024-03-05T15:04:60Z", "2024-03-05T15:04:05+0500",
      "2024-03-05T15:04:05Zjunk", "2024-3-05T15:04:05Z", "+024-03-05T15:04:05Z", "2300-01-01T00:00:00Z",
    ])
  func refused(text: String) {
    #expect(Timestamp(rfc3339: text) == nil)
  }
}
