import SlipstreamDomain

/// The SQL flavour of a store.
package enum SQLDialect: Sendable {
  case sqlite
  case postgres

  /// The type of an integer column.
  var integerType: String { self == .sqlite ? "INTEGER" : "BIGINT" }

  /// A column read as text, so both stores decode rows the same way.
  func text(_ column: String) -> String {
    self == .sqlite ? "CAST(\(column) AS TEXT)" : "\(column)::text"
  }
}

/// A value bound to a statement.
package enum SQLValue: Sendable, Hashable {
  case text(String)
  case integer(Int64)
  /// A list of texts (PostgreSQL binds it as one array).
  case textArray([String])
}

/// Statement arguments collected while a statement is built.
package struct SQLArguments: Sendable {
  package let dialect: SQLDialect
  package private(set) var values: [SQLValue] = []

  package init(_ dialect: SQLDialect) {
    self.dialect = dialect
  }

  /// Binds `value` and returns its placeholder.
  package mutating func bind(_ value: SQLValue) -> String {
    values.append(value)
    return dialect == .sqlite ? "?" : "$\(values.count)"
  }

  /// `column IN (…)` for SQLite, `column = ANY($n)` for PostgreSQL; `FALSE` for no values.
  package mutating func isIn(_ column: String, _ texts: [String]) -> String {
    guard !texts.isEmpty else { return "1 = 0" }
    switch dialect {
    case .sqlite: return "\(column) IN (\(texts.map { bind(.text($0)) }.joined(separator: ", ")))"
    case .postgres: return "\(column) = ANY(\(bind(.textArray(texts))))"
    }
  }
}

/// Statements shared by the stores.
package enum LedgerSQL {
  /// `SELECT <every column as text> FROM table`.
  package static func select(from table: LedgerTable, _ dialect: SQLDialect) -> String {
    "SELECT \(table.columns.map { dialect.text($0.name) }.joined(separator: ", ")) FROM \(table.name)"
  }

  /// Stored audit heads of `tenants` (locked for the transaction under PostgreSQL).
  package static func selectHeads(_ tenants: [String], _ arguments: inout SQLArguments) -> String {
    let lock = arguments.dialect == .postgres ? " FOR UPDATE" : ""
    return "SELECT tenant_id, \(arguments.dialect.text("seq")), hash FROM audit_heads WHERE \(arguments.isIn("tenant_id", tenants))\(lock)"
  }

  /// Stored trades of one tenant with any of the trade ids (primary key lookups).
  package static func selectTrades(tenantID: String, tradeIDs: [String], _ arguments: inout SQLArguments) -> String {
    let tenant = arguments.bind(.text(tenantID))
    return lookUp(
      tradeIDs, select: select(from: LedgerSchema.tenantTrades, arguments.dialect), where: "tenant_id = \(tenant)",
      key: "trade_id", &arguments
    )
  }

  /// Stored trades of one tenant and broker with any of the broker execution ids. A separate
  /// statement from ``selectTrades(tenantID:tradeIDs:_:)`` (an OR of both would scan the
  /// tenant's rows); it names every column of the partial execution index (tenant, broker,
  /// execution id, `<> ''`) so both databases look each id up in it.
  package static func selectTrades(tenantID: String, broker: String, executionIDs: [String], _ arguments: inout SQLArguments) -> String {
    let tenant = arguments.bind(.text(tenantID))
    let brokerPlaceholder = arguments.bind(.text(broker))
    return lookUp(
      executionIDs, select: select(from: LedgerSchema.tenantTrades, arguments.dialect),
      where: "tenant_id = \(tenant) AND broker = \(brokerPlaceholder) AND broker_execution_id <> ''",
      key: "broker_execution_id", &arguments
    )
  }

  /// Stored decisions of one tenant with any of the ids, with their audit hash as last column.
  package static func selectMatchingDecisions(tenantID: String, decisionIDs: [String], _ arguments: inout SQLArguments) -> String {
    let table = LedgerSchema.routeDecisions
    let columns = table.columns.map { arguments.dialect.text("d.\($0.name)") }.joined(separator: ", ")
    let tenant = arguments.bind(.text(tenantID))
    return lookUp(
      decisionIDs,
      select: "SELECT \(columns), a.hash FROM route_decisions d JOIN audit_log a ON a.tenant_id = d.tenant_id AND a.seq = d.audit_seq",
      where: "d.tenant_id = \(tenant)", key: "d.decision_id", &arguments
    )
  }

  /// `select` restricted to `condition` and rows whose `key` is one of `keys`: SQLite
  /// `key IN (?, …)`, PostgreSQL `key = ANY($n)`.
  ///
  /// PostgreSQL caveat (measured with ledger-bench): while a tenant is missing from the
  /// table statistics (new and not yet analyzed), the planner estimates it has no rows and
  /// may read all of its entries in `ledger_trades_executed` and filter them, which makes a
  /// lookup cost time proportional to the tenant's size until autovacuum analyzes the table.
  /// A LATERAL per-key form was tried and is no better (it picks the same index per key).
  /// The common batch does no lookups at all (see ``LedgerBatch``); only batches holding a
  /// retry or conflict do.
  private static func lookUp(_ keys: [String], select: String, where condition: String, key: String, _ arguments: inout SQLArguments) -> String {
    "\(select) WHERE \(condition) AND \(arguments.isIn(key, keys))"
  }

  /// One page of a trade listing (one row more than the page, to tell if another follows).
  package static func listTrades(_ query: TradeListQuery, limit: Int, _ arguments: inout SQLArguments) -> String {
    let table = query.userID == nil ? LedgerSchema.tenantTrades : LedgerSchema.userTrades
    var conditions = ["tenant_id = \(arguments.bind(.text(query.tenantID)))"]
    if let userID = query.userID { conditions.append("user_id = \(arguments.bind(.text(userID)))") }
    if let from = query.executedFrom {
      conditions.append("executed_at_ns >= \(arguments.bind(.integer(from.nanosecondsSinceEpoch)))")
    }
    if let before = query.executedBefore {
      conditions.append("executed_at_ns < \(arguments.bind(.integer(before.nanosecondsSinceEpoch)))")
    }
    if !query.symbols.isEmpty { conditions.append(arguments.isIn("symbol", query.symbols)) }
    if !query.strategyIDs.isEmpty { conditions.append(arguments.isIn("strategy_id", query.strategyIDs)) }
    if let after = query.after {
      let executed = arguments.bind(.integer(after.executedAt))
      let executedAgain = arguments.bind(.integer(after.executedAt))
      let tradeID = arguments.bind(.text(after.tradeID))
      conditions.append("(executed_at_ns > \(executed) OR (executed_at_ns = \(executedAgain) AND trade_id > \(tradeID)))")
    }
    return "\(select(from: table, arguments.dialect)) WHERE \(conditions.joined(separator: " AND ")) "
      // Qualified: PostgreSQL would otherwise order by the text output columns of the same name.
      + "ORDER BY \(table.name).executed_at_ns, \(table.name).trade_id LIMIT \(arguments.bind(.integer(Int64(limit))))"
  }

  /// A tenant's broker connection snapshots: the latest of each broker by broker id
  /// (`broker` nil), or one broker's newest first before `beforeSequence`.
  package static func selectBrokerConnections(
    tenantID: String,
    broker: String?,
    beforeSequence: UInt64?,
    limit: Int,
    _ arguments: inout SQLArguments
  ) -> String {
    let table = LedgerSchema.brokerConnections
    let select = select(from: table, arguments.dialect)
    let tenant = arguments.bind(.text(tenantID))
    guard let broker else {
      let tenantAgain = arguments.bind(.text(tenantID))
      return "\(select) WHERE tenant_id = \(tenant) AND audit_seq IN (SELECT MAX(audit_seq) FROM \(table.name) "
        + "WHERE tenant_id = \(tenantAgain) GROUP BY broker) ORDER BY \(table.name).broker "
        + "LIMIT \(arguments.bind(.integer(Int64(limit))))"
    }
    var sql = "\(select) WHERE tenant_id = \(tenant) AND broker = \(arguments.bind(.text(broker)))"
    if let beforeSequence { sql += " AND audit_seq < \(arguments.bind(.integer(Int64(clamping: beforeSequence))))" }
    return sql + " ORDER BY \(table.name).audit_seq DESC LIMIT \(arguments.bind(.integer(Int64(limit))))"
  }

  /// Audit entries of a tenant in a sequence range, in order.
  package static func selectAudit(tenantID: String, from: UInt64, through: UInt64?, limit: Int, _ arguments: inout SQLArguments) -> String {
    let dialect = arguments.dialect
    var sql = "SELECT \(dialect.text("seq")), kind, record_id, prev_hash, hash FROM audit_log "
      + "WHERE tenant_id = \(arguments.bind(.text(tenantID))) AND seq >= \(arguments.bind(.integer(Int64(from))))"
    if let through { sql += " AND seq <= \(arguments.bind(.integer(Int64(through))))" }
    return sql + " ORDER BY audit_log.seq LIMIT \(arguments.bind(.integer(Int64(limit))))"
  }

  /// The stored copies of an audit entry's record (`nil` for an unknown kind), with the table
  /// whose encoding its hash covers.
  package static func recordCopies(
    of entry: AuditEntry,
    tenantID: String,
    _ dialect: SQLDialect
  ) -> (table: LedgerTable, statements: [(sql: String, arguments: SQLArguments)])? {
    func lookup(_ table: LedgerTable, _ keyColumn: String, _ key: SQLValue) -> (sql: String, arguments: SQLArguments) {
      var arguments = SQLArguments(dialect)
      let sql = "\(select(from: table, dialect)) WHERE tenant_id = \(arguments.bind(.text(tenantID))) "
        + "AND \(keyColumn) = \(arguments.bind(key))"
      return (sql, arguments)
    }
    switch AuditRecordKind(rawValue: entry.kind) {
    case .trade?:
      // The user copy is keyed by user and time, so it is found through the tenant copy's
      // key values (a copy whose key columns were altered is then reported missing).
      let userKey = "tenant_id, user_id, executed_at_ns, trade_id"
      var arguments = SQLArguments(dialect)
      let userCopy = "\(select(from: LedgerSchema.userTrades, dialect)) WHERE (\(userKey)) IN (SELECT \(userKey) FROM "
        + "\(LedgerSchema.tenantTrades.name) WHERE tenant_id = \(arguments.bind(.text(tenantID))) "
        + "AND trade_id = \(arguments.bind(.text(entry.recordID))))"
      return (
        LedgerSchema.tenantTrades,
        [lookup(LedgerSchema.tenantTrades, "trade_id", .text(entry.recordID)), (userCopy, arguments)]
      )
    case .routeDecision?:
      return (LedgerSchema.routeDecisions, [lookup(LedgerSchema.routeDecisions, "decision_id", .text(entry.recordID))])
    case .brokerConnection?:
      let key = SQLValue.integer(Int64(entry.sequence))
      return (LedgerSchema.brokerConnections, [lookup(LedgerSchema.brokerConnections, "audit_seq", key)])
    case nil:
      return nil
    }
  }
}
