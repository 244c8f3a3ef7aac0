/// A column of a ledger table: every value is handled as text (decimals as canonical
/// fixed-point strings, never REAL), integers are stored as 64-bit integers.
package struct LedgerColumn: Sendable, Hashable {
  package let name: String
  package let isInteger: Bool

  package init(_ name: String, integer: Bool = false) {
    self.name = name
    self.isInteger = integer
  }
}

/// A ledger table: its name and ordered columns. The order is the canonical order of the
/// audit hash, so it never changes once released (add columns in a new table version).
package struct LedgerTable: Sendable, Hashable {
  package let name: String
  package let columns: [LedgerColumn]
}

/// The tables shared by the SQLite and PostgreSQL stores.
package enum LedgerSchema {
  /// The columns of both trade paths (identical, so the copies can be compared).
  private static let tradeColumns: [LedgerColumn] = [
    LedgerColumn("tenant_id"), LedgerColumn("trade_id"), LedgerColumn("user_id"),
    LedgerColumn("strategy_id"), LedgerColumn("broker"), LedgerColumn("broker_execution_id"),
    LedgerColumn("order_id"), LedgerColumn("client_order_id"), LedgerColumn("symbol"),
    LedgerColumn("asset_class"), LedgerColumn("side"), LedgerColumn("quantity"), LedgerColumn("price"),
    LedgerColumn("fees"), LedgerColumn("currency"), LedgerColumn("executed_at_ns", integer: true),
    LedgerColumn("recorded_at_ns", integer: true), LedgerColumn("route_decision_id"),
    LedgerColumn("correlation_id"), LedgerColumn("audit_seq", integer: true),
  ]

  /// The tenant ledger path: `tenants/{tenant_id}/ledger_trades/{trade_id}`.
  package static let tenantTrades = LedgerTable(name: "ledger_trades", columns: tradeColumns)
  /// The user portfolio path: `users/{uid}/portfolio/history/trades/{trade_id}`.
  package static let userTrades = LedgerTable(name: "user_portfolio_trades", columns: tradeColumns)

  /// The router's decision log.
  package static let routeDecisions = LedgerTable(
    name: "route_decisions",
    columns: [
      LedgerColumn("tenant_id"), LedgerColumn("decision_id"), LedgerColumn("user_id"),
      LedgerColumn("strategy_id"), LedgerColumn("intent_id"), LedgerColumn("symbol"), LedgerColumn("outcome"),
      LedgerColumn("broker"), LedgerColumn("scores"), LedgerColumn("spread_pct"), LedgerColumn("threshold_pct"),
      LedgerColumn("reason"), LedgerColumn("estimated_slippage"), LedgerColumn("estimated_fees"),
      LedgerColumn("failover_chain"), LedgerColumn("exclusions"), LedgerColumn("matched_rule_id"),
      LedgerColumn("correlation_id"), LedgerColumn("decided_at_ns", integer: true),
      LedgerColumn("recorded_at_ns", integer: true), LedgerColumn("audit_seq", integer: true),
    ]
  )

  /// The per-tenant hash chain over every record.
  package static let auditLog = LedgerTable(
    name: "audit_log",
    columns: [
      LedgerColumn("tenant_id"), LedgerColumn("seq", integer: true), LedgerColumn("kind"), LedgerColumn("record_id"),
      LedgerColumn("prev_hash"), LedgerColumn("hash"),
    ]
  )

  /// The last entry of each tenant's chain, upserted with ``auditHeadsUpsert``.
  package static let auditHeads = LedgerTable(
    name: "audit_heads",
    columns: [LedgerColumn("tenant_id"), LedgerColumn("seq", integer: true), LedgerColumn("hash")]
  )

  /// The conflict clause that moves a stored audit head.
  package static let auditHeadsUpsert = "ON CONFLICT (tenant_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash"

  /// Broker connection snapshots.
  package static let brokerConnections = LedgerTable(
    name: "broker_connections",
    columns: [
      LedgerColumn("tenant_id"), LedgerColumn("broker"), LedgerColumn("state"), LedgerColumn("asset_classes"),
      LedgerColumn("fee_schedule"), LedgerColumn("priority", integer: true), LedgerColumn("last_sync_ns", integer: true),
      LedgerColumn("recorded_at_ns", integer: true), LedgerColumn("audit_seq", integer: true),
    ]
  )

}
