import SlipstreamDomain

/// One group-commit transaction, the same for both stores: its writes, the reads to run first,
/// and (usually) a plan made before the transaction.
///
/// The committer adds writes to an open batch while the previous batch commits
/// (``add(_:stamp:expectedHead:)``). If the audit head each of the batch's tenants will have once
/// the earlier batches commit is known, each write is planned as it is added, assuming it is
/// new, so that planning and hashing happen outside the store's transaction. ``seal()`` then
/// collects the batch's tenants and builds the SQL of the heads read.
///
/// In its write transaction a store reads the audit heads (``headsRead``) and takes
/// ``planAssumingNew(heads:now:)``: the plan made in advance if the stored heads are the ones
/// it assumed, otherwise a plan made now against the stored heads. It inserts those rows,
/// and if no unique key refused one, that is the whole batch. Retries and conflicts are
/// rare, so the common batch needs no lookups. If a key was refused, the store rolls the
/// transaction back (no savepoint: under SQLite one copies every page the batch changes,
/// under PostgreSQL it costs two round trips and a subtransaction per batch) and in a second
/// transaction reads the heads again, runs the ``lookups`` (the stored trades and decisions
/// the batch's ids name; their SQL is built only then), plans with
/// ``plan(heads:lookedUp:now:)`` and inserts those rows.
package struct LedgerBatch: Sendable {
  /// The batch's writes, in order.
  package private(set) var writes: [LedgerWrite] = []
  private let dialect: SQLDialect
  /// The read of the audit heads of the batch's tenants. Built by ``seal()``.
  package private(set) var headsRead: (sql: String, arguments: SQLArguments) = ("", SQLArguments(.sqlite))

  /// A read of stored records that a batch's ids name.
  package struct Lookup: Sendable {
    package enum Kind: Sendable { case trades, decisions }
    package var sql: String
    package var arguments: SQLArguments
    package var kind: Kind
  }

  /// The reads of the stored trades (by trade id and by execution id) and decisions the
  /// batch's ids name; built on each use (only a batch a unique key refused needs them).
  package var lookups: [Lookup] {
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
    var lookups: [Lookup] = []
    for (tenantID, keys) in tradeKeys.sorted(by: { $0.key < $1.key }) {
      var arguments = SQLArguments(dialect)
      let sql = LedgerSQL.selectTrades(tenantID: tenantID, tradeIDs: keys.ids.sorted(), &arguments)
      lookups.append(Lookup(sql: sql, arguments: arguments, kind: .trades))
      for (broker, executionIDs) in keys.executions.sorted(by: { $0.key < $1.key }) {
        arguments = SQLArguments(dialect)
        let sql = LedgerSQL.selectTrades(tenantID: tenantID, broker: broker, executionIDs: executionIDs.sorted(), &arguments)
        lookups.append(Lookup(sql: sql, arguments: arguments, kind: .trades))
      }
    }
    for (tenantID, ids) in decisionKeys.sorted(by: { $0.key < $1.key }) {
      var arguments = SQLArguments(dialect)
      let sql = LedgerSQL.selectMatchingDecisions(tenantID: tenantID, decisionIDs: ids.sorted(), &arguments)
      lookups.append(Lookup(sql: sql, arguments: arguments, kind: .decisions))
    }
    return lookups
  }

  /// The plan made while adding writes; nil once a write's tenant had no expected head.
  private var advance: LedgerWritePlanner?
  private var advanceResults: [Result<LedgerWriteResult, LedgerError>] = []
  /// The head each tenant of the batch was assumed to have before it (nil: no head stored).
  private var assumedHeads: [String: AuditHead?] = [:]

  /// Whether every write so far was planned in advance.
  package var isPlannedInAdvance: Bool { advance != nil || writes.isEmpty }

  /// The audit heads the batch leaves if it commits as planned in advance, by tenant (a tenant
  /// missing has no head); empty if it was not planned in advance.
  package var plannedHeads: [String: AuditHead] { advance?.heads ?? [:] }

  /// The tenants the batch writes for. Collected by ``seal()``.
  package private(set) var tenants: Set<String> = []

  /// An empty batch, to be filled with ``add(_:stamp:expectedHead:)`` and then sealed.
  package init(dialect: SQLDialect) {
    self.dialect = dialect
  }

  /// Adds a write, planning it in advance if its tenant's head is expected.
  ///
  /// - Parameters:
  ///   - write: The write.
  ///   - stamp: The time stamped on the batch's new records if planned in advance; asked when
  ///     the first write is added.
  ///   - expectedHead: The head a tenant will have when this batch commits (`.some(nil)`
  ///     for a tenant with no head stored), or nil if it is not known; asked once per tenant.
  package mutating func add(_ write: LedgerWrite, stamp: () -> Timestamp, expectedHead: (String) -> AuditHead??) {
    let first = writes.isEmpty
    writes.append(write)
    guard var planner = first ? Optional(LedgerWritePlanner(now: stamp(), heads: [:], storedTrades: [], storedDecisions: [])) : advance
    else { return }
    advance = nil
    let tenantID = write.tenantID
    if assumedHeads[tenantID] == nil {
      guard let head = expectedHead(tenantID) else { return }
      assumedHeads[tenantID] = head
      if let head { planner.assume(head, for: tenantID) }
    }
    advanceResults.append(planner.plan(write))
    advance = planner
  }

  /// Plans every write of a batch that is not planned in advance again, now, if every
  /// tenant's head is expected (as it may be once the batch before has committed).
  package mutating func planInAdvanceIfPossible(stamp: () -> Timestamp, expectedHead: (String) -> AuditHead??) {
    guard !isPlannedInAdvance else { return }
    var replanned = LedgerBatch(dialect: dialect)
    for write in writes {
      replanned.add(write, stamp: stamp, expectedHead: expectedHead)
      guard replanned.isPlannedInAdvance else { return }
    }
    self = replanned
  }

  /// Collects the tenants and builds the SQL of the heads read; no write is added afterwards.
  package mutating func seal() {
    tenants = Set(writes.map(\.tenantID))
    var arguments = SQLArguments(dialect)
    headsRead = (LedgerSQL.selectHeads(tenants.sorted(), &arguments), arguments)
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
    let stored = try Self.decodeHeads(heads)
    if let advance, advanceResults.count == writes.count,
      assumedHeads.allSatisfy({ stored[$0.key] == $0.value }), stored.keys.allSatisfy({ assumedHeads[$0] != nil })
    {
      return (advanceResults, LedgerBatchRows(advance, storedHeads: stored))
    }
    return try plan(heads: heads, lookedUp: [], now: now)
  }

  /// Plans every write against the stored heads and records.
  ///
  /// - Parameters:
  ///   - heads: The rows of ``headsRead``, every column as text.
  ///   - lookedUp: Each of ``lookups`` with its rows, every column as text (none: plan as if
  ///     no id were stored).
  ///   - now: The time stamped on new records.
  /// - Returns: One result per write, and the rows that write the batch.
  /// - Throws: `LedgerError.storage` if a fetched row does not decode.
  package func plan(
    heads: [[String]],
    lookedUp: [(lookup: Lookup, rows: [[String]])],
    now: Timestamp
  ) throws(LedgerError) -> (results: [Result<LedgerWriteResult, LedgerError>], rows: LedgerBatchRows) {
    let heads = try Self.decodeHeads(heads)
    var trades: [RecordedTrade] = []
    var decisions: [(row: [String], hash: String)] = []
    for (lookup, rows) in lookedUp {
      for row in rows {
        switch lookup.kind {
        case .trades: trades.append(try RecordedTrade(row: row))
        case .decisions: decisions.append((row: Array(row.dropLast()), hash: row.last ?? ""))
        }
      }
    }
    var planner = LedgerWritePlanner(now: now, heads: heads, storedTrades: trades, storedDecisions: decisions)
    let results = writes.map { planner.plan($0) }
    return (results, LedgerBatchRows(planner, storedHeads: heads))
  }

  private static func decodeHeads(_ rows: [[String]]) throws(LedgerError) -> [String: AuditHead] {
    var heads: [String: AuditHead] = [:]
    for row in rows {
      guard row.count == 3, let sequence = UInt64(row[1]) else { throw .storage(reason: "an audit head does not decode") }
      heads[row[0]] = AuditHead(sequence: sequence, hash: row[2])
    }
    return heads
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
  /// The audit head of every tenant of the batch that has one once the rows are in.
  package var heads: [String: AuditHead] = [:]

  /// ``auditEntries`` as rows of ``LedgerSchema/auditLog``.
  package var auditRows: [[String]] {
    auditEntries.map { tenantID, entry in
      [tenantID, String(entry.sequence), entry.kind, entry.recordID, entry.previousHash, entry.hash]
    }
  }

  /// ``changedHeads`` as rows of ``LedgerSchema/auditHeads``, by tenant id.
  package var headRows: [[String]] {
    changedHeads.sorted { $0.key < $1.key }.map { [$0.key, String($0.value.sequence), $0.value.hash] }
  }

  package init() {}

  /// The rows `planner` planned, after `storedHeads`.
  init(_ planner: LedgerWritePlanner, storedHeads: [String: AuditHead]) {
    for (table, values) in planner.rows {
      if let index = tables.firstIndex(where: { $0.table == table }) {
        tables[index].rows.append(values)
      } else {
        tables.append((table, [values]))
      }
    }
    auditEntries = planner.auditEntries
    changedHeads = planner.heads.filter { storedHeads[$0.key] != $0.value }
    heads = planner.heads
  }
}
