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

  static func response(quote: [UInt8], sequence: UInt64, skipped: UInt64, totalSkipped: UInt64) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(quote.count + 24)
    out.append(0x0A)
    appendVarint(UInt64(quote.count), to: &out)
    out.append(contentsOf: quote)
    if sequence != 0 {
      out.append(0x10)
      appendVarint(sequence, to: &out)
    }
    if skipped != 0 {
      out.append(0x18)
      appendVarint(skipped, to: &out)
    }
    if totalSkipped != 0 {
      out.append(0x20)
      appendVarint(totalSkipped, to: &out)
    }
    return out
  }

  static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
    var value = value
    while value >= 0x80 {
      out.append(UInt8(truncatingIfNeeded: value) | 0x80)
      value >>= 7
    }
    out.append(UInt8(value))
  }
}
