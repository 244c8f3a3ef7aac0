public import SlipstreamDomain

/// Parses RFC 3339 UTC timestamps (`2024-03-05T14:30:00.123456789Z`, 0–9 fraction digits,
/// `Z` or a `±HH:MM` offset) into nanoseconds since the epoch, without Foundation's
/// floating-point dates.
enum RFC3339 {
  static func parse(_ text: Substring) -> Timestamp? {
    let bytes = Array(text.utf8)
    guard bytes.count >= 20 else { return nil }
    func number(_ start: Int, _ count: Int) -> Int? {
      var value = 0
      for index in start..<(start + count) {
        let byte = bytes[index]
        guard byte >= 0x30, byte <= 0x39 else { return nil }
        value = value * 10 + Int(byte - 0x30)
      }
      return value
    }
    guard let year = number(0, 4), bytes[4] == 0x2D, let month = number(5, 2), bytes[7] == 0x2D,
      let day = number(8, 2), bytes[10] == 0x54 || bytes[10] == 0x74 || bytes[10] == 0x20,
      let hour = number(11, 2), bytes[13] == 0x3A, let minute = number(14, 2), bytes[16] == 0x3A,
      let second = number(17, 2),
      (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
    else { return nil }
    var index = 19
    var nanos: Int64 = 0
    if index < bytes.count, bytes[index] == 0x2E {
      index += 1
      var digits = 0
      while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
        guard digits < 9 else { return nil }
        nanos = nanos * 10 + Int64(bytes[index] - 0x30)
        digits += 1
        index += 1
      }
      guard digits > 0 else { return nil }
      for _ in digits..<9 { nanos *= 10 }
    }
    guard index < bytes.count else { return nil }
    var offsetSeconds = 0
    switch bytes[index] {
    case 0x5A, 0x7A:
      index += 1
    case 0x2B, 0x2D:
      guard bytes.count == index + 6, let hours = number(index + 1, 2), bytes[index + 3] == 0x3A,
        let minutes = number(index + 4, 2), hours < 24, minutes < 60
      else { return nil }
      offsetSeconds = (hours * 60 + minutes) * 60 * (bytes[index] == 0x2D ? -1 : 1)
      index += 6
    default:
      return nil
    }
    guard index == bytes.count else { return nil }
    let days = daysFromCivil(year: year, month: month, day: day)
    let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
    return Timestamp(nanosecondsSinceEpoch: seconds * 1_000_000_000 + nanos)
  }

  /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
  static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }
}
