/// Why the ledger refused or failed a call. Each case says what to do about it.
public enum LedgerError: Error, Sendable, Hashable, CustomStringConvertible {
  /// A trade names no user, so its portfolio-history copy cannot be written; nothing was written.
  case missingUserID(tradeID: String)
  /// A field is missing, malformed or out of range.
  case invalidArgument(field: String, reason: String)
  /// The trade id was recorded before with different content; nothing was changed.
  case conflictingTrade(tradeID: String)
  /// The broker execution id was recorded before under another trade with different content.
  case conflictingExecution(broker: String, brokerExecutionID: String, existingTradeID: String)
  /// The decision id was recorded before with different content; nothing was changed.
  case conflictingDecision(decisionID: String)
  /// The caller presented no credential, or one the ledger does not know.
  case unauthenticated(reason: String)
  /// The caller is authenticated for one tenant and named another.
  case permissionDenied(reason: String)
  /// The recorded trades do not support the computation (e.g. a sale larger than the holding).
  case failedPrecondition(reason: String)
  /// The database failed; the write was not acknowledged and may be retried (writes are idempotent).
  case storage(reason: String)
  /// The store was closed.
  case closed

  public var description: String {
    switch self {
    case .missingUserID(let tradeID):
      return "Missing UID in metadata: trade '\(tradeID)' has no user id (owner.user_id); "
        + "every trade is written to the user's portfolio history as well, so name the user"
    case .invalidArgument(let field, let reason):
      return "\(field): \(reason)"
    case .conflictingTrade(let tradeID):
      return "trade '\(tradeID)' was recorded before with different content; resend the original "
        + "trade or use a new trade id"
    case .conflictingExecution(let broker, let executionID, let existing):
      return "broker execution '\(executionID)' of '\(broker)' was recorded before as trade '\(existing)' "
        + "with different content; one execution is one trade"
    case .conflictingDecision(let decisionID):
      return "route decision '\(decisionID)' was recorded before with different content; decisions are immutable"
    case .unauthenticated(let reason):
      return "unauthenticated: \(reason)"
    case .permissionDenied(let reason):
      return "permission denied: \(reason)"
    case .failedPrecondition(let reason):
      return reason
    case .storage(let reason):
      return "the ledger database failed (\(reason)); the write was not acknowledged, retry it"
    case .closed:
      return "the ledger store is closed"
    }
  }
}
