public import SlipstreamRPC

extension LedgerError: RPCErrorConvertible {
  /// The gRPC status of each refusal: the one place ledger errors meet wire codes.
  public var rpcError: RPCError {
    switch self {
    case .missingUserID, .invalidArgument:
      return RPCError(code: .invalidArgument, message: description, cause: self)
    case .conflictingTrade, .conflictingExecution, .conflictingDecision:
      return RPCError(code: .alreadyExists, message: description, cause: self)
    case .unauthenticated:
      return RPCError(code: .unauthenticated, message: description, cause: self)
    case .permissionDenied:
      return RPCError(code: .permissionDenied, message: description, cause: self)
    case .failedPrecondition:
      return RPCError(code: .failedPrecondition, message: description, cause: self)
    case .storage:
      // The reason (driver messages, SQL) stays in `cause` for the logs; callers learn what to do.
      return RPCError(
        code: .unavailable, message: "the ledger database failed; the write was not acknowledged, retry it", cause: self
      )
    case .closed:
      return RPCError(code: .unavailable, message: description, cause: self)
    }
  }
}
