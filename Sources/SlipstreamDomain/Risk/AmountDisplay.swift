/// Human-readable amounts for messages a user acts on: `$125,000.00`, `1,250.5 shares`, `5.20 %`.
///
/// Display only; never parsed back. Rounds half-to-even where digits are dropped.
enum AmountDisplay {
  /// `$125,000.00` for US dollars, `1,234.50 EUR` for other currencies; cents are always shown.
  static func money(_ money: Money) -> String {
    let rounded = (try? money.amount.rounded(toPlaces: 2, .toNearestOrEven)) ?? money.amount
    let text = grouped(rounded, minimumFractionDigits: 2)
    if money.currency == .usd {
      return rounded.isNegative ? "-$" + text.dropFirst() : "$" + text
    }
    return "\(text) \(money.currency)"
  }

  /// A decimal with thousands separators and its significant fraction digits, e.g. `1,250.5`.
  static func decimal(_ value: FixedDecimal) -> String {
    grouped(value, minimumFractionDigits: 0)
  }

  /// A fraction as a percentage with two decimals: 0.052 → `5.20 %`.
  static func percent(_ fraction: FixedDecimal) -> String {
    let percent = (try? fraction.multiplied(by: 100).rounded(toPlaces: 2, .toNearestOrEven)) ?? fraction
    return grouped(percent, minimumFractionDigits: 2) + " %"
  }

  private static func grouped(_ value: FixedDecimal, minimumFractionDigits: Int) -> String {
    let text = value.description
    let negative = text.hasPrefix("-")
    let body = negative ? String(text.dropFirst()) : text
    let parts = body.split(separator: ".", omittingEmptySubsequences: false)
    var integer = String(parts[0])
    var fraction = parts.count > 1 ? String(parts[1]) : ""
    while fraction.count < minimumFractionDigits { fraction += "0" }
    var groups: [String] = []
    while integer.count > 3 {
      groups.insert(String(integer.suffix(3)), at: 0)
      integer = String(integer.dropLast(3))
    }
    groups.insert(integer, at: 0)
    let joined = groups.joined(separator: ",") + (fraction.isEmpty ? "" : "." + fraction)
    return negative ? "-" + joined : joined
  }
}
