import SlipstreamDomain

/// One write queued for group commit.
package enum LedgerWrite: Sendable {
  case trade(LedgerTrade)
  case routeDecision(RouteDecisionRecord)
  case brokerConnection(BrokerConnectionRecord)

  package var tenantID: String {
    switch self {
    case .trade(let trade): return trade.tenantID
    case .routeDecision(let decision): return decision.tenantID
    case .brokerConnection(let record): return record.tenantID
    }
  }
}

/// What one queued write did.
package enum LedgerWriteResult: Sendable, Hashable {
  case trade(TradeRecordOutcome)
  case audit(AuditReceipt)
}

/// Decides, for one batch of writes, which are new, which are retries and which conflict,
/// and produces the rows and audit entries to insert, without touching a database.
///
/// Both stores use it: they prefetch the stored trades, decisions and audit heads the batch
/// touches, run every write through ``plan(_:)`` in order, then insert ``rows`` and
/// ``auditEntries`` and save ``heads`` in the same transaction. Writes earlier in the batch
/// are seen by later ones, so two copies of one trade in one batch record it once.
package struct LedgerWritePlanner: Sendable {
  private struct TradeKey: Hashable {
    var tenantID: String
    var tradeID: String
  }

  private struct ExecutionKey: Hashable {
    var tenantID: String
    var broker: String
    var executionID: String
  }

  private struct DecisionKey: Hashable {
    var tenantID: String
    var decisionID: String
  }

  private let now: Timestamp
  private var tradesByID: [TradeKey: RecordedTrade] = [:]
  private var tradesByExecution: [ExecutionKey: RecordedTrade] = [:]
  private var decisions: [DecisionKey: (row: [String], receipt: AuditReceipt)] = [:]

  /// Audit heads by tenant, updated as writes are planned.
  package private(set) var heads: [String: AuditHead]
  /// Rows to insert, in order, by table.
  package private(set) var rows: [(table: LedgerTable, values: [String])] = []
  /// Audit entries to insert, in order.
  package private(set) var auditEntries: [(tenantID: String, entry: AuditEntry)] = []

  /// Creates a planner.
  ///
  /// - Parameters:
  ///   - now: The time stamped on new records.
  ///   - heads: Stored audit heads of the batch's tenants (missing tenants start at genesis).
  ///   - storedTrades: Stored trades matching any trade id or broker execution id of the batch.
  ///   - storedDecisions: Stored decision rows matching any decision id of the batch, with
  ///     their audit entry hash.
  package init(
    now: Timestamp,
    heads: [String: AuditHead],
    storedTrades: [RecordedTrade],
    storedDecisions: [(row: [String], hash: String)]
  ) {
    self.now = now
    self.heads = heads
    for trade in storedTrades { remember(trade) }
    for (row, hash) in storedDecisions {
      let receipt = AuditReceipt(sequence: UInt64(row[row.count - 1]) ?? 0, entryHash: hash, duplicate: true)
      decisions[DecisionKey(tenantID: row[0], decisionID: row[1])] = (row, receipt)
    }
  }

  /// Sets the head `tenantID`'s chain continues from, unless the planner already has one.
  package mutating func assume(_ head: AuditHead, for tenantID: String) {
    if heads[tenantID] == nil { heads[tenantID] = head }
  }

  /// Plans one write.
  /// - Returns: What the write does once the batch commits, or why it is refused.
  package mutating func plan(_ write: LedgerWrite) -> Result<LedgerWriteResult, LedgerError> {
    switch write {
    case .trade(let trade):
      return planTrade(trade).map(LedgerWriteResult.trade)
    case .routeDecision(let decision):
      return planDecision(decision).map(LedgerWriteResult.audit)
    case .brokerConnection(let record):
      let head = heads[record.tenantID] ?? .genesis
      let row = record.rowValues(recordedAt: now, auditSequence: head.sequence + 1)
      let receipt = append(
        tenantID: record.tenantID, kind: .brokerConnection, recordID: String(head.sequence + 1),
        table: LedgerSchema.brokerConnections, row: row
      )
      rows.append((LedgerSchema.brokerConnections, row))
      return .success(.audit(receipt))
    }
  }

  private mutating func planTrade(_ trade: LedgerTrade) -> Result<TradeRecordOutcome, LedgerError> {
    if let error = LedgerWritePlanner.missingIdentity(of: trade) { return .failure(error) }
    if let stored = tradesByID[TradeKey(tenantID: trade.tenantID, tradeID: trade.tradeID)] {
      return stored.trade == trade ? .success(.duplicate(stored)) : .failure(.conflictingTrade(tradeID: trade.tradeID))
    }
    if !trade.brokerExecutionID.isEmpty,
      let stored = tradesByExecution[
        ExecutionKey(tenantID: trade.tenantID, broker: trade.broker, executionID: trade.brokerExecutionID)
      ]
    {
      var renamed = trade
      renamed.tradeID = stored.trade.tradeID
      guard stored.trade == renamed else {
        return .failure(
          .conflictingExecution(
            broker: trade.broker, brokerExecutionID: trade.brokerExecutionID, existingTradeID: stored.trade.tradeID
          )
        )
      }
      return .success(.duplicate(stored))
    }
    let sequence = (heads[trade.tenantID] ?? .genesis).sequence + 1
    let row = trade.rowValues(recordedAt: now, auditSequence: sequence)
    _ = append(tenantID: trade.tenantID, kind: .trade, recordID: trade.tradeID, table: LedgerSchema.tenantTrades, row: row)
    rows.append((LedgerSchema.tenantTrades, row))
    rows.append((LedgerSchema.userTrades, row))
    let recorded = RecordedTrade(trade: trade, recordedAt: now, auditSequence: sequence)
    remember(recorded)
    return .success(.recorded(recorded))
  }

  private mutating func planDecision(_ decision: RouteDecisionRecord) -> Result<AuditReceipt, LedgerError> {
    guard !decision.tenantID.isEmpty else { return .failure(.invalidArgument(field: "tenant_id", reason: "is required")) }
    guard !decision.decisionID.isEmpty else {
      return .failure(.invalidArgument(field: "decision.decision_id", reason: "is required"))
    }
    let key = DecisionKey(tenantID: decision.tenantID, decisionID: decision.decisionID)
    let sequence = (heads[decision.tenantID] ?? .genesis).sequence + 1
    let row = decision.rowValues(recordedAt: now, auditSequence: sequence)
    if let stored = decisions[key] {
      guard RouteDecisionRecord.content(ofRow: stored.row) == RouteDecisionRecord.content(ofRow: row) else {
        return .failure(.conflictingDecision(decisionID: decision.decisionID))
      }
      return .success(stored.receipt)
    }
    let receipt = append(
      tenantID: decision.tenantID, kind: .routeDecision, recordID: decision.decisionID,
      table: LedgerSchema.routeDecisions, row: row
    )
    rows.append((LedgerSchema.routeDecisions, row))
    decisions[key] = (row, AuditReceipt(sequence: receipt.sequence, entryHash: receipt.entryHash, duplicate: true))
    return .success(receipt)
  }

  private mutating func append(
    tenantID: String,
    kind: AuditRecordKind,
    recordID: String,
    table: LedgerTable,
    row: [String]
  ) -> AuditReceipt {
    let entry = AuditChain.append(
      after: heads[tenantID] ?? .genesis, kind: kind, recordID: recordID, table: table, row: row
    )
    heads[tenantID] = AuditHead(sequence: entry.sequence, hash: entry.hash)
    auditEntries.append((tenantID, entry))
    return AuditReceipt(sequence: entry.sequence, entryHash: entry.hash, duplicate: false)
  }

  private mutating func remember(_ recorded: RecordedTrade) {
    let trade = recorded.trade
    tradesByID[TradeKey(tenantID: trade.tenantID, tradeID: trade.tradeID)] = recorded
    if !trade.brokerExecutionID.isEmpty {
      tradesByExecution[ExecutionKey(tenantID: trade.tenantID, broker: trade.broker, executionID: trade.brokerExecutionID)] =
        recorded
    }
  }

  /// The refusal for a trade that lacks a tenant, trade or user id, or nil if it has all three.
  package static func missingIdentity(of trade: LedgerTrade) -> LedgerError? {
    if trade.tenantID.isEmpty { return .invalidArgument(field: "trade.owner.tenant_id", reason: "is required") }
    if trade.tradeID.isEmpty { return .invalidArgument(field: "trade.trade_id", reason: "is required") }
    if trade.userID.isEmpty { return .missingUserID(tradeID: trade.tradeID) }
    return nil
  }
}
