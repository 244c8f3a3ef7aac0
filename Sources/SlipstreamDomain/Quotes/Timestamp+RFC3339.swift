/// RFC 3339 timestamps (`2024-03-05T15:04:05.123456789Z`), as market-data feeds and files
/// write them, read exactly into nanoseconds since the epoch (no floating point).
extension Timestamp {
  /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` with 0 to 9 fraction digits
  /// (`t` and `z` are accepted in lowercase, as RFC 3339 allows).
  /// - Returns: `nil` when the text is not such a timestamp, names an impossible date or
  ///   time, or lies outside the `Int64` nanosecond range (1677–2262).
  public init?(rfc3339 text: some StringProtocol) {
    let b = Array(text.utf8)
    guard b.count >= 20, b.count <= 35 else { return nil }
    func number(_ range: Range<Int>) -> Int? {
      var value = 0
      for i in range {
        guard i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") else { return nil }
        value = value * 10 + Int(b[i] - UInt8(ascii: "0"))
      }
      return value
    }
    guard let year = number(0..<4), b[4] == UInt8(ascii: "-"), let month = number(5..<7),
      b[7] == UInt8(ascii: "-"), let day = number(8..<10), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
      let hour = number(11..<13), b[13] == UInt8(ascii: ":"), let minute = number(14..<16),
      b[16] == UInt8(ascii: ":"), let second = number(17..<19),
      let date = CivilDate(year: year, month: month, day: day),
      hour < 24, minute < 60, second < 60
    else { return nil }
    var index = 19
    var nanos: Int64 = 0
    if b[index] == UInt8(ascii: ".") {
      index += 1
      let start = index
      while index < b.count, b[index] >= UInt8(ascii: "0"), b[index] <= UInt8(ascii: "9") { index += 1 }
      let count = index - start
      guard (1...9).contains(count), let fraction = number(start..<index) else { return nil }
      nanos = Int64(fraction)
      for _ in count..<9 { nanos *= 10 }
    }
    guard index < b.count else { return nil }
    var offsetSeconds = 0
    if b[index] == UInt8(ascii: "Z") || b[index] == UInt8(ascii: "z") {
      index += 1
    } else if b[index] == UInt8(ascii: "+") || b[index] == UInt8(ascii: "-") {
      guard b.count == index + 6, let offsetHours = number(index + 1..<index + 3), b[index + 3] == UInt8(ascii: ":"),
        let offsetMinutes = number(index + 4..<index + 6), offsetHours < 24, offsetMinutes < 60
      else { return nil }
      offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (b[index] == UInt8(ascii: "-") ? -1 : 1)
      index += 6
    } else {
      return nil
    }
    guard index == b.count else { return nil }
    let seconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
    let (scaled, overflow1) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
    let (total, overflow2) = scaled.addingReportingOverflow(nanos)
    guard !overflow1, !overflow2 else { return nil }
    self.init(nanosecondsSinceEpoch: total)
  }
}
