/// Percent-encoding of `grpc-message` as the gRPC over HTTP/2 spec defines it.
///
/// The message is UTF-8; every byte outside the printable ASCII range `0x20...0x7E`, and `%`
/// itself, is written as `%XX` with upper-case hex digits.
public enum GRPCStatusMessage {
  /// Percent-encodes a status message for the `grpc-message` trailer.
  ///
  /// - Parameter message: Any string.
  /// - Returns: A string of printable ASCII only.
  public static func encode(_ message: String) -> String {
    let utf8 = message.utf8
    // Fast path: nothing to escape.
    if !utf8.contains(where: Self.needsEscaping) {
      return message
    }
    var out: [UInt8] = []
    out.reserveCapacity(utf8.count * 3)
    Self.encode(utf8, into: &out)
    return String(decoding: out, as: UTF8.self)
  }

  private static func encode(_ bytes: some Collection<UInt8>, into out: inout [UInt8]) {
    for byte in bytes {
      if Self.needsEscaping(byte) {
        out.append(UInt8(ascii: "%"))
        out.append(Hex.upper[Int(byte >> 4)])
        out.append(Hex.upper[Int(byte & 0x0F)])
      } else {
        out.append(byte)
      }
    }
  }

  private static func needsEscaping(_ byte: UInt8) -> Bool {
    byte < 0x20 || byte > 0x7E || byte == UInt8(ascii: "%")
  }

  /// Decodes a `grpc-message` value, leniently.
  ///
  /// A `%` not followed by two hex digits is kept as it is. Byte sequences that are not valid
  /// UTF-8 after decoding are repaired with U+FFFD; this never fails.
  ///
  /// - Parameter encoded: The raw trailer value.
  /// - Returns: The message.
  public static func decode(_ encoded: some StringProtocol) -> String {
    let utf8 = encoded.utf8
    guard utf8.contains(UInt8(ascii: "%")) else {
      return String(encoded)
    }
    var out: [UInt8] = []
    out.reserveCapacity(utf8.count)
    var index = utf8.startIndex
    while index != utf8.endIndex {
      let byte = utf8[index]
      utf8.formIndex(after: &index)
      guard byte == UInt8(ascii: "%"), index != utf8.endIndex else {
        out.append(byte)
        continue
      }
      let second = utf8.index(after: index)
      guard second != utf8.endIndex,
        let high = Hex.value(of: utf8[index]),
        let low = Hex.value(of: utf8[second])
      else {
        out.append(byte)
        continue
      }
      out.append(high << 4 | low)
      index = utf8.index(after: second)
    }
    return String(decoding: out, as: UTF8.self)
  }
}

/// Hexadecimal digit tables.
enum Hex {
  static let upper: [UInt8] = Array("0123456789ABCDEF".utf8)

  /// The value of an ASCII hex digit (either case), or `nil`.
  static func value(of byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}
