import SlipstreamDomain
import Testing

@Suite("RFC 3339 timestamps")
struct RFC3339Tests {
  @Test("parses 0–9 fraction digits, Z and offsets, exactly",
        arguments: [
          ("1970-01-01T00:00:00Z", Int64(0)),
          ("2024-03-05T14:30:00Z", 1_709_649_000_000_000_000),
          ("2024-03-05T14:30:00.1Z", 1_709_649_000_100_000_000),
          ("2024-03-05T14:30:00.123456789Z", 1_709_649_000_123_456_789),
          ("2024-03-05T09:30:00.5-05:00", 1_709_649_000_500_000_000),
          ("2024-02-29T23:59:59.999999999+00:00", 1_709_251_199_999_999_999),
        ])
  func parses(text: String, nanos: Int64) {
    #expect(Timestamp(rfc3339: text) == Timestamp(nanosecondsSinceEpoch: nanos))
  }

  @Test("rejects malformed text",
        arguments: ["", "2024-03-05", "2024-03-05T14:30:00", "2024-13-05T14:30:00Z", "2024-03-05T14:30:00.Z",
                    "2024-03-05T14:30:00.1234567891Z", "2024-03-05T14:30:00+5:00", "2024-03-05T14:30:00Zjunk"])
  func rejects(text: String) {
    #expect(Timestamp(rfc3339: text) == nil)
  }
}
