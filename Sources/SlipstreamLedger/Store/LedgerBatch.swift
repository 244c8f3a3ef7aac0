import SlipstreamDomain

/// One group-commit transaction, the same for both stores: the reads to run first, then the
/// statements that write the planned rows.
///
/// A store runs ``reads`` inside its write transaction, hands the rows to ``plan(fetched:now:)``
/// and runs the returned statements in the same transaction.
package struct LedgerBatch {
  private let writes: [LedgerWrite]
  private let dialect: SQLDialect
  /// Statements whose rows ``plan(fetched:now:)`` needs, in order.
  package private(set) var reads: [(sql: String, arguments: SQLArguments)] = []
  private var tradeReads = 0

  /// Rows per INSERT statement, well under SQLite's and PostgreSQL's bound-parameter limits.
  private static let rowsPerInsert = 256

  package init(_ writes: [LedgerWrite], dialect: SQLDialect) {
    self.writes = writes
    self.dialect = dialect
    var tradeKeys: [String: (ids: Set<String>, executions: Set<String>)] = [:]
    var decisionKeys: [String: Set<String>] = [:]
    for write in writes {
      switch write {
      case .trade(let trade):
        tradeKeys[trade.tenantID, default: ([], [])].ids.insert(trade.tradeID)
        if !trade.brokerExecutionID.isEmpty {
          tradeKeys[trade.tenantID, default: ([], [])].executions.insert(trade.brokerExecutionID)
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
      if !keys.executions.isEmpty {
        arguments = SQLArguments(dialect)
        reads.append((LedgerSQL.selectTrades(tenantID: tenantID, executionIDs: keys.executions.sorted(), &arguments), arguments))
      }
    }
    tradeReads = reads.count - 1
    for (tenantID, ids) in decisionKeys.sorted(by: { $0.key < $1.key }) {
      arguments = SQLArguments(dialect)
      reads.append((LedgerSQL.selectMatchingDecisions(tenantID: tenantID, decisionIDs: ids.sorted(), &arguments), arguments))
    }
  }

  /// Plans every write against the fetched rows.
  ///
  /// - Parameters:
  ///   - fetched: The rows of each of ``reads``, in order, every column as text.
  ///   - now: The time stamped on new records.
  /// - Returns: One result per write, and the statements that write the batch.
  /// - Throws: `LedgerError.storage` if a fetched row does not decode.
  package func plan(
    fetched: [[[String]]],
    now: Timestamp
  ) throws(LedgerError) -> (results: [Result<LedgerWriteResult, LedgerError>], statements: [(sql: String, arguments: SQLArguments)]) {
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

    var statements: [(sql: String, arguments: SQLArguments)] = []
    var rowsByTable: [(table: LedgerTable, rows: [[String]])] = []
    for (table, values) in planner.rows {
      if let index = rowsByTable.firstIndex(where: { $0.table == table }) {
        rowsByTable[index].rows.append(values)
      } else {
        rowsByTable.append((table, [values]))
      }
    }
    for (table, rows) in rowsByTable {
      for start in stride(from: 0, to: rows.count, by: Self.rowsPerInsert) {
        var arguments = SQLArguments(dialect)
        let chunk = Array(rows[start..<min(start + Self.rowsPerInsert, rows.count)])
        statements.append((LedgerSQL.insert(chunk, into: table, &arguments), arguments))
      }
    }
    let entries = planner.auditEntries
    for start in stride(from: 0, to: entries.count, by: Self.rowsPerInsert) {
      var arguments = SQLArguments(dialect)
      let chunk = Array(entries[start..<min(start + Self.rowsPerInsert, entries.count)])
      statements.append((LedgerSQL.insertAudit(chunk, &arguments), arguments))
    }
    let changedHeads = planner.heads.filter { heads[$0.key] != $0.value }
    if !changedHeads.isEmpty {
      var arguments = SQLArguments(dialect)
      statements.append((LedgerSQL.upsertHeads(changedHeads, &arguments), arguments))
    }
    return (results, statements)
  }
}
