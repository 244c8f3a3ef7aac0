import SlipstreamRPC
import SlipstreamWire
import Testing
@testable import SlipstreamLedger

@Suite("LedgerError+RPC")
struct LedgerErrorRPCTests {
  @Test(arguments: [
    (LedgerError.missingUserID(tradeID: "t"), StatusCode.invalidArgument),
    (.invalidArgument(field: "f", reason: "r"), .invalidArgument),
    (.conflictingTrade(tradeID: "t"), .alreadyExists),
    (.conflictingExecution(broker: "b", brokerExecutionID: "e", existingTradeID: "t"), .alreadyExists),
    (.conflictingDecision(decisionID: "d"), .alreadyExists),
    (.unauthenticated(reason: "r"), .unauthenticated),
    (.permissionDenied(reason: "r"), .permissionDenied),
    (.failedPrecondition(reason: "r"), .failedPrecondition),
    (.storage(reason: "r"), .unavailable),
    (.closed, .unavailable),
  ])
  func everyErrorHasItsCode(_ error: LedgerError, _ code: StatusCode) {
    #expect(error.rpcError.code == code)
    #expect(RPCError(mapping: error).code == code)
  }

  /// Database details (driver messages, SQL text) are not sent to callers.
  @Test func storageDetailsStayLocal() {
    let error = LedgerError.storage(reason: "SQLite error 19 while executing `INSERT INTO ledger_trades ...`").rpcError
    #expect(error.message == "the ledger database failed; the write was not acknowledged, retry it")
    #expect((error.cause as? LedgerError) == .storage(reason: "SQLite error 19 while executing `INSERT INTO ledger_trades ...`"))
  }
}
