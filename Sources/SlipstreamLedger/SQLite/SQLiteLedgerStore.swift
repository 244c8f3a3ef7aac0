import Dispatch
import GRDB
import SlipstreamDomain

/// The embedded ledger store: one SQLite file in WAL mode with `synchronous=FULL`, so an
/// acknowledged write survives a power cut; concurrent writes are group-committed.
///
/// GRDB's database calls are synchronous; this store only uses GRDB's async entry points,
/// which run them on GRDB's own dispatch queues, never on the cooperative thread pool.
public final class SQLiteLedgerStore: LedgerStore {
  /// The database file.
  public let path: String
  private let pool: DatabasePool
  private let core: LedgerStoreCore

  /// Opens (creating if needed) and migrates the database at `path`.
  ///
  /// - Parameters:
  ///   - path: The database file; its directory must exist.
  ///   - options: Batch size and clock.
  /// - Throws: `LedgerError.storage` if the file cannot be opened or migrated.
  public init(path: String, options: LedgerStoreOptions = .defaults) async throws(LedgerError) {
    self.path = path
    var configuration = Configuration()
    configuration.busyMode = .timeout(10)
    let pool: DatabasePool
    do {
      pool = try await Self.openAndMigrate(path: path, configuration: configuration)
    } catch {
      throw .storage(reason: "cannot open the SQLite ledger at \(path): \(error)")
    }
    self.pool = pool
    let now = options.now
    self.core = LedgerStoreCore(
      dialect: .sqlite,
      options: options,
      commitBatch: { writes in
        try await pool.write { db in
          let batch = LedgerBatch(writes, dialect: .sqlite)
          let fetched = try batch.reads.map { try Self.fetch(db, $0.sql, $0.arguments) }
          let (results, statements) = try batch.plan(fetched: fetched, now: now())
          for statement in statements {
            try db.execute(sql: statement.sql, arguments: Self.arguments(statement.arguments))
          }
          return results
        }
      },
      fetchRows: { sql, arguments async throws(LedgerError) in
        do {
          return try await pool.read { @Sendable db in try Self.fetch(db, sql, arguments) }
        } catch {
          throw (error as? LedgerError) ?? .storage(reason: "\(error)")
        }
      }
    )
  }

  public func record(_ trade: LedgerTrade) async throws(LedgerError) -> TradeRecordOutcome {
    try await core.record(trade)
  }

  public func recordRouteDecision(_ decision: RouteDecisionRecord) async throws(LedgerError) -> AuditReceipt {
    try await core.recordRouteDecision(decision)
  }

  public func recordBrokerConnection(_ record: BrokerConnectionRecord) async throws(LedgerError) -> AuditReceipt {
    try await core.recordBrokerConnection(record)
  }

  public func trade(tenantID: String, tradeID: String) async throws(LedgerError) -> RecordedTrade? {
    try await core.trade(tenantID: tenantID, tradeID: tradeID)
  }

  public func listTrades(_ query: TradeListQuery) async throws(LedgerError) -> TradePage {
    try await core.listTrades(query)
  }

  public func verifyAudit(tenantID: String, fromSequence: UInt64, toSequence: UInt64) async throws(LedgerError) -> AuditVerification {
    try await core.verifyAudit(tenantID: tenantID, fromSequence: fromSequence, toSequence: toSequence)
  }

  public func close() async throws(LedgerError) {
    await core.committer.close()
    do {
      try pool.close()
    } catch {
      throw .storage(reason: "closing \(path) failed: \(error)")
    }
  }

  /// Runs `sql` outside the ledger's rules. For tests that alter rows as an intruder would.
  package func unsafeExecute(sql: String) async throws {
    try await pool.writeWithoutTransaction { @Sendable db in try db.execute(sql: sql) }
  }

  /// The value of a pragma on the writer connection (e.g. `journal_mode`, `synchronous`).
  package func writerPragma(_ name: String) async throws -> String {
    try await pool.write { @Sendable db in try String.fetchOne(db, sql: "PRAGMA \(name)") ?? "" }
  }

  /// Opens the file and applies pending migrations on a dispatch queue, since both are
  /// synchronous file I/O that must not block the cooperative pool.
  private static func openAndMigrate(path: String, configuration: Configuration) async throws -> DatabasePool {
    try await withCheckedThrowingContinuation { continuation in
      DispatchQueue.global().async {
        continuation.resume(
          with: Result {
            let pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB switches the writer to synchronous=NORMAL when it enables WAL, after
            // `prepareDatabase` ran; put FULL back so every commit syncs the WAL.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            var migrator = DatabaseMigrator()
            for migration in LedgerMigrations.all(.sqlite) {
              migrator.registerMigration(migration.identifier) { db in
                for statement in migration.statements { try db.execute(sql: statement) }
              }
            }
            try migrator.migrate(pool)
            return pool
          }
        )
      }
    }
  }

  private static func fetch(_ db: Database, _ sql: String, _ arguments: SQLArguments) throws -> [[String]] {
    var rows: [[String]] = []
    let cursor = try Row.fetchCursor(db, sql: sql, arguments: Self.arguments(arguments))
    while let row = try cursor.next() {
      rows.append((0..<row.count).map { (row[$0] as String?) ?? "" })
    }
    return rows
  }

  private static func arguments(_ arguments: SQLArguments) -> StatementArguments {
    StatementArguments(
      arguments.values.map { value -> (any DatabaseValueConvertible)? in
        switch value {
        case .text(let text): return text
        case .integer(let integer): return integer
        // The SQLite dialect expands lists into one placeholder per item.
        case .textArray(let texts): return texts.joined(separator: ",")
        }
      }
    )
  }
}
