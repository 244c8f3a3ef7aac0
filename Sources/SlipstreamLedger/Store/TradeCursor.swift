/// A position in a trade listing: after the trade executed at `executedAt` with `tradeID`.
///
/// Listings are ordered by (execution time, trade id), both immutable, so a cursor stays
/// valid while trades are added. Its token is opaque to callers.
public struct TradeCursor: Sendable, Hashable {
  /// Execution time of the last trade of the previous page, in nanoseconds.
  public var executedAt: Int64
  /// Trade id of the last trade of the previous page.
  public var tradeID: String

  public init(executedAt: Int64, tradeID: String) {
    self.executedAt = executedAt
    self.tradeID = tradeID
  }

  /// The opaque page token.
  public var token: String {
    AuditChain.hex(Array("v1:\(executedAt):\(tradeID)".utf8))
  }

  /// Parses a page token.
  /// - Throws: `LedgerError.invalidArgument` naming `field` if the token was not made by ``token``.
  public init(token: String, field: String = "query.page_token") throws(LedgerError) {
    let invalid = LedgerError.invalidArgument(field: field, reason: "is not a page token from a previous response")
    let hex = Array(token.utf8)
    guard hex.count.isMultiple(of: 2), hex.count <= 1_024 else { throw invalid }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(hex.count / 2)
    var index = 0
    while index < hex.count {
      guard let high = Self.nibble(hex[index]), let low = Self.nibble(hex[index + 1]) else { throw invalid }
      bytes.append(high << 4 | low)
      index += 2
    }
    guard let text = String(validating: bytes, as: UTF8.self) else { throw invalid }
    let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0] == "v1", let executedAt = Int64(parts[1]), !parts[2].isEmpty else { throw invalid }
    self.init(executedAt: executedAt, tradeID: String(parts[2]))
  }

  private static func nibble(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    default: return nil
    }
  }
}
