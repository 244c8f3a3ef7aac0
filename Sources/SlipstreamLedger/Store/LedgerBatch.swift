import SlipstreamDomain

/// One group-commit transaction, the same for both stores: the reads to run first, then the
/// rows to write.
///
/// A store reads the audit heads (``headsRead``) inside its write transaction and
/// first plans the batch assuming every write is new (``planAssumingNew(heads:now:)``): it
/// inserts those rows under a savepoint, and if no unique key refused one, that is the whole
/// batch. Retries and conflicts are rare, so the common batch needs no lookups. If a key was
/// refused, the store rolls the savepoint back, runs the ``lookups`` (the stored
/// trades and decisions the batch's ids name), plans with ``plan(fetched:now:)`` and inserts
/// those rows, in the same transaction.
package struct LedgerBatch {
  private let writes: [LedgerWrite]
  private let dialect: SQLDialect
  /// Statements whose rows ``plan(fetched:now:)`` needs, in order: ``headsRead``, then
  /// ``lookups``.
  package private(set) var reads: [(sql: String, arguments: SQLArguments)] = []

  /// The read of the audit heads of the batch's tenants (the first of ``reads``).
  package var headsRead: (sql: String, arguments: SQLArguments) { reads[0] }
  /// The reads of the stored trades and decisions the batch's ids name (the rest of ``reads``).
  package var lookups: ArraySlice<(sql: String, arguments: SQLArguments)> { reads.dropFirst() }
  private var tradeReads = 0

  package init(_ writes: [LedgerWrite], dialect: SQLDialect) {
    self.writes = writes
    self.dialect = dialect
    var tradeKeys: [String: (ids: Set<String>, executions: [String: Set<String>])] = [:]
    var decisionKeys: [String: Set<String>] = [:]
    for write in writes {
      switch write {
      case .trade(let trade):
        tradeKeys[trade.tenantID, default: ([], [:])].ids.insert(trade.tradeID)
        if !trade.brokerExecutionID.isEmpty {
          tradeKeys[trade.tenantID, default: ([], [:])].executions[trade.broker, default: []].insert(trade.brokerExecutionID)
        }
      case .routeDecision(let decision):
        decisionKeys[decision.tenantID, default: []].insert(decision.decisionID)
      case .brokerConnection:
        break
      }
    }
    var arguments = SQLArguments(dialect)
    let tenants = Set(writes.map(\.tenantID)).sorted()
    reads.append((LedgerSQL.selectHeads(tenants, &arguments), arguments))
    for (tenantID, keys) in tradeKeys.sorted(by: { $0.key < $1.key }) {
      arguments = SQLArguments(dialect)
      reads.append((LedgerSQL.selectTrades(tenantID: tenantID, tradeIDs: keys.ids.sorted(), &arguments), arguments))
      for (broker, executionIDs) in keys.executions.sorted(by: { $0.key < $1.key }) {
        arguments = SQLArguments(dialect)
        reads.append(
          (LedgerSQL.selectTrades(tenantID: tenantID, broker: broker, executionIDs: executionIDs.sorted(), &arguments), arguments)
        )
      }
    }
    tradeReads = reads.count - 1
    for (tenantID, ids) in decisionKeys.sorted(by: { $0.key < $1.key }) {
      arguments = SQLArguments(dialect)
      reads.append((LedgerSQL.selectMatchingDecisions(tenantID: tenantID, decisionIDs: ids.sorted(), &arguments), arguments))
    }
  }

  /// Plans every write as if none of its trade ids, execution ids or decision ids were stored.
  ///
  /// Correct exactly when inserting the returned rows violates no unique key: then no write
  /// repeats a stored one (duplicates within the batch are planned as such either way).
  /// - Parameters:
  ///   - heads: The rows of ``headsRead``.
  ///   - now: The time stamped on new records.
  /// - Throws: `LedgerError.storage` if a head row does not decode.
  package func planAssumingNew(
    heads: [[String]],
    now: Timestamp
  ) throws(LedgerError) -> (results: [Result<LedgerWriteResult, LedgerError>], rows: LedgerBatchRows) {
    try plan(fetched: [heads] + Array(repeating: [], count: lookups.count), now: now)
  }

  /// Plans every write against the fetched rows.
  ///
  /// - Parameters:
  ///   - fetched: The rows of each of ``reads``, in order, every column as text.
  ///   - now: The time stamped on new records.
  /// - Returns: One result per write, and the rows that write the batch.
  /// - Throws: `LedgerError.storage` if a fetched row does not decode.
  package func plan(
    fetched: [[[String]]],
    now: Timestamp
  ) throws(LedgerError) -> (results: [Result<LedgerWriteResult, LedgerError>], rows: LedgerBatchRows) {
    guard fetched.count == reads.count else {
      throw .storage(reason: "the batch read \(fetched.count) of \(reads.count) result sets")
    }
    var heads: [String: AuditHead] = [:]
    for row in fetched[0] {
      guard row.count == 3, let sequence = UInt64(row[1]) else { throw .storage(reason: "an audit head does not decode") }
      heads[row[0]] = AuditHead(sequence: sequence, hash: row[2])
    }
    var trades: [RecordedTrade] = []
    for row in fetched[1..<(1 + tradeReads)].joined() {
      trades.append(try RecordedTrade(row: row))
    }
    let decisions = fetched[(1 + tradeReads)...].joined().map { row in (row: Array(row.dropLast()), hash: row.last ?? "") }
    var planner = LedgerWritePlanner(now: now, heads: heads, storedTrades: trades, storedDecisions: decisions)
    let results = writes.map { planner.plan($0) }

    var rows = LedgerBatchRows()
    for (table, values) in planner.rows {
      if let index = rows.tables.firstIndex(where: { $0.table == table }) {
        rows.tables[index].rows.append(values)
      } else {
        rows.tables.append((table, [values]))
      }
    }
    rows.auditEntries = planner.auditEntries
    rows.changedHeads = planner.heads.filter { heads[$0.key] != $0.value }
    return (results, rows)
  }
}

/// The rows one batch inserts, by table, and the audit heads it moves.
package struct LedgerBatchRows {
  /// New rows by table, in the order the writes were planned.
  package var tables: [(table: LedgerTable, rows: [[String]])] = []
  /// New audit entries, in order.
  package var auditEntries: [(tenantID: String, entry: AuditEntry)] = []
  /// The audit heads that moved.
  package var changedHeads: [String: AuditHead] = [:]
}
