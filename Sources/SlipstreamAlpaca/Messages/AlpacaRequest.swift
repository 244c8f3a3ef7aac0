/// A request to Alpaca's market-data stream, encoded as the documented JSON actions.
package enum AlpacaRequest: Sendable, Hashable {
  /// `{"action":"auth","key":…,"secret":…}`.
  case auth(keyID: String, secret: String)
  /// `{"action":"subscribe","quotes":[…]}`.
  case subscribe(quotes: [String])
  /// `{"action":"unsubscribe","quotes":[…]}`.
  case unsubscribe(quotes: [String])

  /// The JSON text of the request.
  package var json: String {
    switch self {
    case .auth(let keyID, let secret):
      return #"{"action":"auth","key":\#(Self.quoted(keyID)),"secret":\#(Self.quoted(secret))}"#
    case .subscribe(let quotes):
      return #"{"action":"subscribe","quotes":[\#(quotes.map(Self.quoted).joined(separator: ","))]}"#
    case .unsubscribe(let quotes):
      return #"{"action":"unsubscribe","quotes":[\#(quotes.map(Self.quoted).joined(separator: ","))]}"#
    }
  }

  /// A JSON string literal for `text`.
  package static func quoted(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result + "\""
  }
}
