import SlipstreamAPI
import SwiftProtobuf

/// Builds `StreamQuotesResponse` payloads around a quote encoded once per tick.
///
/// The response is `{ quote = 1; sequence = 2; skipped = 3; total_skipped = 4 }`; only the
/// quote is shared by every subscriber, so it is serialized once when it arrives and each
/// subscriber's envelope is written around those bytes by hand (protobuf wire format:
/// field 1 length-delimited, fields 2–4 varints, zeros omitted as proto3 does).
enum StreamQuoteEncoding {
  /// A response carrying `ended` instead of a quote (rare: made with the generated type).
  static func response(ending: QuoteMailbox.Ending, sequence: UInt64, totalSkipped: UInt64) -> [UInt8] {
    var response = Slipstream_Pricing_V1_StreamQuotesResponse()
    response.sequence = sequence
    response.totalSkipped = totalSkipped
    response.ended.symbol = .init(ending.symbol)
    response.ended.reason = switch ending.reason {
    case .evicted: .evicted
    case .unsubscribed: .unsubscribed
    }
    response.ended.detail = ending.detail
    response.ended.symbolsLeft = UInt32(clamping: ending.symbolsLeft)
    // Serializing a message with only set fields cannot fail.
    return (try? response.serializedBytes()) ?? []
  }

  /// The response's size in bytes (what ``write(quote:sequence:skipped:totalSkipped:into:)``
  /// writes).
  static func responseLength(quoteLength: Int, sequence: UInt64, skipped: UInt64, totalSkipped: UInt64) -> Int {
    var length = 1 &+ varintLength(UInt64(quoteLength)) &+ quoteLength
    if sequence != 0 { length &+= 1 &+ varintLength(sequence) }
    if skipped != 0 { length &+= 1 &+ varintLength(skipped) }
    if totalSkipped != 0 { length &+= 1 &+ varintLength(totalSkipped) }
    return length
  }

  /// Writes the response into `out`, whose count must be ``responseLength(quoteLength:sequence:skipped:totalSkipped:)``.
  static func write(
    quote: [UInt8], sequence: UInt64, skipped: UInt64, totalSkipped: UInt64, into out: UnsafeMutableRawBufferPointer
  ) {
    var at = 0
    func byte(_ value: UInt8) {
      out[at] = value
      at &+= 1
    }
    func varint(_ value: UInt64) {
      var value = value
      while value >= 0x80 {
        byte(UInt8(truncatingIfNeeded: value) | 0x80)
        value >>= 7
      }
      byte(UInt8(value))
    }
    byte(0x0A)
    varint(UInt64(quote.count))
    quote.withUnsafeBytes { bytes in
      UnsafeMutableRawBufferPointer(rebasing: out[at..<(at &+ bytes.count)]).copyMemory(from: bytes)
    }
    at &+= quote.count
    if sequence != 0 {
      byte(0x10)
      varint(sequence)
    }
    if skipped != 0 {
      byte(0x18)
      varint(skipped)
    }
    if totalSkipped != 0 {
      byte(0x20)
      varint(totalSkipped)
    }
    precondition(at == out.count, "the response's length was computed wrong")
  }

  /// Bytes in the protobuf varint encoding of `value` (1–10).
  static func varintLength(_ value: UInt64) -> Int {
    // 7 bits per byte; 0 still takes one byte.
    (64 &- (value | 1).leadingZeroBitCount &+ 6) / 7
  }
}
