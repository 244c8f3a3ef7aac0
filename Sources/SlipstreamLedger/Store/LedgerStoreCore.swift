import SlipstreamDomain

/// What the SQLite and PostgreSQL stores share: group commit, listings and audit
/// verification, over a backend that runs a batch transaction and fetches rows as text.
package struct LedgerStoreCore: Sendable {
  /// Fetches rows, every column as text (NULL as "").
  package typealias FetchRows = @Sendable (_ sql: String, _ arguments: SQLArguments) async throws(LedgerError) -> [[String]]

  /// The largest page a listing returns.
  package static let maximumPageSize = 1_000
  /// Audit entries read per round trip while verifying.
  private static let auditPageSize = 500

  package let dialect: SQLDialect
  package let committer: GroupCommitter<LedgerCommitPipeline>
  private let fetchRows: FetchRows

  /// Creates the shared part of a store.
  ///
  /// - Parameters:
  ///   - dialect: The SQL flavour.
  ///   - options: Batch size and clock.
  ///   - commitBatch: Runs one sealed ``LedgerBatch`` in a transaction and returns its
  ///     results and the batch's tenants' audit heads after the commit.
  ///   - fetchRows: Runs a read.
  package init(
    dialect: SQLDialect,
    options: LedgerStoreOptions,
    commitBatch: @escaping LedgerCommitPipeline.Transaction,
    fetchRows: @escaping FetchRows
  ) {
    self.dialect = dialect
    self.committer = GroupCommitter(
      maximumBatchSize: options.maximumBatchSize,
      pipeline: LedgerCommitPipeline(dialect: dialect, now: options.now, transaction: commitBatch)
    )
    self.fetchRows = fetchRows
  }

  package func record(_ trade: LedgerTrade) async throws(LedgerError) -> TradeRecordOutcome {
    if let error = LedgerWritePlanner.missingIdentity(of: trade) { throw error }
    guard case .trade(let outcome) = try await committer.submit(.trade(trade)) else {
      throw .storage(reason: "a trade write answered with another kind of result")
    }
    return outcome
  }

  package func recordRouteDecision(_ decision: RouteDecisionRecord) async throws(LedgerError) -> AuditReceipt {
    try await appended(.routeDecision(decision))
  }

  package func recordBrokerConnection(_ record: BrokerConnectionRecord) async throws(LedgerError) -> AuditReceipt {
    guard !record.tenantID.isEmpty else { throw .invalidArgument(field: "tenant_id", reason: "is required") }
    return try await appended(.brokerConnection(record))
  }

  private func appended(_ write: LedgerWrite) async throws(LedgerError) -> AuditReceipt {
    guard case .audit(let receipt) = try await committer.submit(write) else {
      throw .storage(reason: "an audit write answered with another kind of result")
    }
    return receipt
  }

  package func trade(tenantID: String, tradeID: String) async throws(LedgerError) -> RecordedTrade? {
    var arguments = SQLArguments(dialect)
    let sql = "\(LedgerSQL.select(from: LedgerSchema.tenantTrades, dialect)) WHERE tenant_id = "
      + "\(arguments.bind(.text(tenantID))) AND trade_id = \(arguments.bind(.text(tradeID)))"
    return try await fetchRows(sql, arguments).first.map { row throws(LedgerError) in try RecordedTrade(row: row) }
  }

  package func brokerConnections(
    tenantID: String, broker: String?, beforeSequence: UInt64?, limit: Int
  ) async throws(LedgerError) -> [RecordedBrokerConnection] {
    var arguments = SQLArguments(dialect)
    let sql = LedgerSQL.selectBrokerConnections(
      tenantID: tenantID, broker: broker, beforeSequence: beforeSequence, limit: min(max(limit, 1), Self.maximumPageSize),
      &arguments
    )
    var connections: [RecordedBrokerConnection] = []
    for row in try await fetchRows(sql, arguments) {
      connections.append(try RecordedBrokerConnection(row: row))
    }
    return connections
  }

  package func listTrades(_ query: TradeListQuery) async throws(LedgerError) -> TradePage {
    let pageSize = min(max(query.pageSize, 1), Self.maximumPageSize)
    var arguments = SQLArguments(dialect)
    let sql = LedgerSQL.listTrades(query, limit: pageSize + 1, &arguments)
    let rows = try await fetchRows(sql, arguments)
    var trades: [RecordedTrade] = []
    for row in rows.prefix(pageSize) {
      trades.append(try RecordedTrade(row: row))
    }
    let next = rows.count > pageSize ? trades.last.map { TradeCursor(executedAt: $0.trade.executedAt.nanosecondsSinceEpoch, tradeID: $0.trade.tradeID) } : nil
    return TradePage(trades: trades, next: next)
  }

  package func verifyAudit(tenantID: String, fromSequence: UInt64, toSequence: UInt64) async throws(LedgerError) -> AuditVerification {
    let first = max(fromSequence, 1)
    var start = AuditHead.genesis
    if first > 1 {
      var arguments = SQLArguments(dialect)
      let sql = LedgerSQL.selectAudit(tenantID: tenantID, from: first - 1, through: first - 1, limit: 1, &arguments)
      guard let row = try await fetchRows(sql, arguments).first, let entry = Self.entry(row) else {
        return AuditVerification(
          entriesChecked: 0,
          firstBrokenLink: BrokenAuditLink(
            sequence: first - 1, recordKind: "", recordID: "", expectedHash: "", storedHash: "",
            reason: "entry \(first - 1), the predecessor of the checked range, is missing"
          )
        )
      }
      start = AuditHead(sequence: entry.sequence, hash: entry.hash)
    }
    var verifier = AuditVerifier(after: start)
    var next = first
    while true {
      var arguments = SQLArguments(dialect)
      let sql = LedgerSQL.selectAudit(
        tenantID: tenantID, from: next, through: toSequence == 0 ? nil : toSequence, limit: Self.auditPageSize, &arguments
      )
      let rows = try await fetchRows(sql, arguments)
      for row in rows {
        guard let entry = Self.entry(row) else { throw .storage(reason: "an audit entry of \(tenantID) does not decode") }
        if let broken = try await check(entry, tenantID: tenantID, with: &verifier) {
          return AuditVerification(entriesChecked: verifier.entriesChecked, firstBrokenLink: broken)
        }
        next = entry.sequence + 1
      }
      if rows.count < Self.auditPageSize {
        return AuditVerification(entriesChecked: verifier.entriesChecked, firstBrokenLink: nil)
      }
    }
  }

  private func check(_ entry: AuditEntry, tenantID: String, with verifier: inout AuditVerifier) async throws(LedgerError) -> BrokenAuditLink? {
    guard let copies = LedgerSQL.recordCopies(of: entry, tenantID: tenantID, dialect) else {
      return BrokenAuditLink(
        sequence: entry.sequence, recordKind: entry.kind, recordID: entry.recordID, expectedHash: "",
        storedHash: entry.hash, reason: "the entry's record kind '\(entry.kind)' is unknown"
      )
    }
    var rows: [[String]?] = []
    for (sql, arguments) in copies.statements {
      rows.append(try await fetchRows(sql, arguments).first)
    }
    return verifier.check(entry, table: copies.table, rows: rows)
  }

  private static func entry(_ row: [String]) -> AuditEntry? {
    guard row.count == 5, let sequence = UInt64(row[0]) else { return nil }
    return AuditEntry(sequence: sequence, kind: row[1], recordID: row[2], previousHash: row[3], hash: row[4])
  }
}
