/// Base64 with the standard alphabet (RFC 4648 §4), as gRPC uses for `-bin` metadata.
public enum Base64 {
  private static let alphabet: [UInt8] = Array(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

  /// 0...63 for alphabet characters, 0xFF for everything else.
  private static let decodeTable: [UInt8] = {
    var table = [UInt8](repeating: 0xFF, count: 256)
    for (value, character) in alphabet.enumerated() {
      table[Int(character)] = UInt8(value)
    }
    return table
  }()

  /// Encodes bytes.
  ///
  /// - Parameters:
  ///   - bytes: The bytes to encode.
  ///   - padded: Whether to append `=` up to a multiple of 4 characters. gRPC senders omit it.
  /// - Returns: The base64 text.
  public static func encode(_ bytes: some Collection<UInt8>, padded: Bool) -> String {
    if let string = bytes.withContiguousStorageIfAvailable({ Self.encode($0, padded: padded) }) {
      return string
    }
    return Array(bytes).withUnsafeBufferPointer { Self.encode($0, padded: padded) }
  }

  private static func encode(_ input: UnsafeBufferPointer<UInt8>, padded: Bool) -> String {
    let fullGroups = input.count / 3
    let rest = input.count % 3
    let length = fullGroups * 4 + (rest == 0 ? 0 : (padded ? 4 : rest + 1))
    guard length > 0 else { return "" }
    return String(unsafeUninitializedCapacity: length) { out in
      Self.alphabet.withUnsafeBufferPointer { alphabet in
        var i = 0
        var o = 0
        for _ in 0..<fullGroups {
          let value = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
          out[o] = alphabet[Int(value >> 18 & 0x3F)]
          out[o + 1] = alphabet[Int(value >> 12 & 0x3F)]
          out[o + 2] = alphabet[Int(value >> 6 & 0x3F)]
          out[o + 3] = alphabet[Int(value & 0x3F)]
          i += 3
          o += 4
        }
        if rest > 0 {
          let second = rest == 2 ? UInt32(input[i + 1]) : 0
          let value = UInt32(input[i]) << 16 | second << 8
          out[o] = alphabet[Int(value >> 18 & 0x3F)]
          out[o + 1] = alphabet[Int(value >> 12 & 0x3F)]
          o += 2
          if rest == 2 {
            out[o] = alphabet[Int(value >> 6 & 0x3F)]
            o += 1
          }
          if padded {
            while o < length {
              out[o] = UInt8(ascii: "=")
              o += 1
            }
          }
        }
      }
      return length
    }
  }

  /// Decodes base64 text, with or without `=` padding.
  ///
  /// - Parameter text: Standard-alphabet base64. Padding, if present, must complete the last
  ///   group to 4 characters; no whitespace.
  /// - Returns: The decoded bytes.
  /// - Throws: `WireError.Kind.invalidBase64` for a character outside the alphabet, misplaced
  ///   or excess padding, or a length that no encoding produces (4n + 1).
  public static func decode(_ text: some StringProtocol) throws(WireError) -> [UInt8] {
    if let result = text.utf8.withContiguousStorageIfAvailable({ Self.decode($0) }) {
      return try result.get()
    }
    return try Array(text.utf8).withUnsafeBufferPointer { Self.decode($0) }.get()
  }

  private static func decode(_ input: UnsafeBufferPointer<UInt8>) -> Result<[UInt8], WireError> {
    var count = input.count
    var padding = 0
    while padding < 2, count > 0, input[count - 1] == UInt8(ascii: "=") {
      count -= 1
      padding += 1
    }
    let rest = count % 4
    guard rest != 1, padding == 0 || input.count % 4 == 0 else {
      return .failure(WireError(.invalidBase64))
    }
    let outputLength = count / 4 * 3 + (rest == 0 ? 0 : rest - 1)
    var output = [UInt8](repeating: 0, count: outputLength)
    let valid = Self.decodeTable.withUnsafeBufferPointer { table in
      output.withUnsafeMutableBufferPointer { out in
        var accumulator: UInt32 = 0
        var bits = 0
        var o = 0
        var invalid: UInt8 = 0
        for i in 0..<count {
          let value = table[Int(input[i])]
          invalid |= value & 0xC0
          accumulator = accumulator << 6 | UInt32(value & 0x3F)
          bits += 6
          if bits >= 8 {
            bits -= 8
            out[o] = UInt8(truncatingIfNeeded: accumulator >> UInt32(bits))
            o += 1
          }
        }
        return invalid == 0
      }
    }
    return valid ? .success(output) : .failure(WireError(.invalidBase64))
  }
}
