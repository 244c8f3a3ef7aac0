/// The three fields of a `StreamQuotesResponse` the benchmark needs, read straight from the
/// wire bytes: `skipped` (field 3) and, inside `quote` (field 1), `timestamp_ns` (7) and
/// `sequence` (10). Every other field is skipped by its wire type, nothing is allocated and no
/// Decimal string is parsed, so the subscribers' side costs less than the generated client's
/// full decode.
struct LeanStreamResponse {
  var skipped: UInt64 = 0
  var timestampNs: Int64 = 0
  var sequence: UInt64 = 0

  /// - Returns: nil when the bytes are not a well-formed message.
  init?(_ bytes: [UInt8]) {
    let parsed: Bool = bytes.withUnsafeBufferPointer { buffer in
      var reader = Reader(bytes: buffer[...])
      while let (field, wireType) = reader.tag() {
        if field == 1, wireType == 2 {
          guard let length = reader.varint(), var quote = reader.take(Int(length)) else { return false }
          while let (quoteField, quoteWire) = quote.tag() {
            switch (quoteField, quoteWire) {
            case (7, 0): guard let value = quote.varint() else { return false }; timestampNs = Int64(bitPattern: value)
            case (10, 0): guard let value = quote.varint() else { return false }; sequence = value
            default: guard quote.skip(quoteWire) else { return false }
            }
          }
          guard quote.isAtEnd else { return false }
        } else if field == 3, wireType == 0 {
          guard let value = reader.varint() else { return false }
          skipped = value
        } else {
          guard reader.skip(wireType) else { return false }
        }
      }
      return reader.isAtEnd
    }
    if !parsed { return nil }
  }

  private struct Reader {
    var bytes: Slice<UnsafeBufferPointer<UInt8>>
    var failed = false

    var isAtEnd: Bool { bytes.isEmpty && !failed }

    mutating func varint() -> UInt64? {
      var value: UInt64 = 0
      var shift: UInt64 = 0
      while let byte = bytes.popFirst() {
        value |= UInt64(byte & 0x7F) << shift
        if byte < 0x80 { return value }
        shift += 7
        if shift >= 64 { break }
      }
      failed = true
      return nil
    }

    mutating func tag() -> (field: UInt64, wireType: UInt8)? {
      guard !bytes.isEmpty, let key = varint() else { return nil }
      return (key >> 3, UInt8(key & 7))
    }

    mutating func take(_ count: Int) -> Reader? {
      guard count >= 0, count <= bytes.count else { failed = true; return nil }
      defer { bytes = bytes.dropFirst(count) }
      return Reader(bytes: bytes.prefix(count))
    }

    mutating func skip(_ wireType: UInt8) -> Bool {
      switch wireType {
      case 0: return varint() != nil
      case 1: return take(8) != nil
      case 2: guard let length = varint() else { return false }; return take(Int(length)) != nil
      case 5: return take(4) != nil
      default: failed = true; return false
      }
    }
  }
}
