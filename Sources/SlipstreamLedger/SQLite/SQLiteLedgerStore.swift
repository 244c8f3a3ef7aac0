import Dispatch
import GRDB
import SlipstreamDomain

/// The embedded ledger store: one SQLite file in WAL mode with `synchronous=FULL`, so an
/// acknowledged write survives a power cut; concurrent writes are group-committed.
///
/// GRDB's database calls are synchronous; this store makes them on its own dispatch queues
/// (one serial writer queue, one concurrent reader queue), never on the cooperative thread
/// pool, and resumes the waiting task when a call returns: one queue hop per batch, with
/// no task hopping onto GRDB's actor executors and back.
public final class SQLiteLedgerStore: LedgerStore {
  /// The database file.
  public let path: String
  private let pool: DatabasePool
  private let core: LedgerStoreCore
  /// Where every write transaction runs, one at a time (GRDB's writer is serial anyway).
  private let writerQueue: DispatchQueue
  /// Where reads run, concurrently (WAL readers do not block the writer).
  private let readerQueue: DispatchQueue

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
    configuration.prepareDatabase { db in
      // The writer only (GRDB opens the readers read-only): a page cache of up to 64 MiB
      // (SQLite's default is 2 MiB), since the indexes of a busy ledger outgrow 2 MiB quickly
      // and every page missed is a read system call inside the write transaction; and a WAL
      // checkpoint every 8,192 pages (32 MiB) instead of 1,000, so index pages that many
      // batches touch are copied into the database file once, not once per batch.
      guard !db.configuration.readonly else { return }
      try db.execute(sql: "PRAGMA cache_size = -65536")
      try db.execute(sql: "PRAGMA wal_autocheckpoint = 8192")
    }
    let pool: DatabasePool
    do {
      pool = try await Self.openAndMigrate(path: path, configuration: configuration, migrations: LedgerMigrations.all(.sqlite, options))
    } catch {
      throw .storage(reason: "cannot open the SQLite ledger at \(path): \(error)")
    }
    self.pool = pool
    let writerQueue = DispatchQueue(label: "slipstream.ledger.sqlite.writer")
    let readerQueue = DispatchQueue(label: "slipstream.ledger.sqlite.readers", attributes: .concurrent)
    self.writerQueue = writerQueue
    self.readerQueue = readerQueue
    let now = options.now
    self.core = LedgerStoreCore(
      dialect: .sqlite,
      options: options,
      commitBatch: { batch in
        try await Self.run(on: writerQueue) {
          // Inserted as planned, with no savepoint: under a savepoint SQLite copies the
          // original of every page the batch changes into a sub-journal (a temporary file),
          // which cost ~15–25 % of the writer's throughput. A repeated id is rare (a retry or
          // a conflict); it rolls the whole transaction back, and a second one plans against
          // what is stored.
          do {
            return try pool.write { db in
              let heads = try Self.fetch(db, batch.headsRead.sql, batch.headsRead.arguments)
              let assumed = try batch.planAssumingNew(heads: heads, now: now())
              try assumed.rows.insert(into: db)
              return (assumed.results, assumed.rows.heads)
            }
          } catch let error as DatabaseError
            where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY || error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
          {
            // A stored id repeats; nothing of the first attempt was committed.
          }
          return try pool.write { db in
            let stamp = now()
            let heads = try Self.fetch(db, batch.headsRead.sql, batch.headsRead.arguments)
            let lookedUp = try batch.lookups.map { lookup in (lookup, try Self.fetch(db, lookup.sql, lookup.arguments)) }
            let (results, rows) = try batch.plan(heads: heads, lookedUp: lookedUp, now: stamp)
            try rows.insert(into: db)
            return (results, rows.heads)
          }
        }
      },
      fetchRows: { sql, arguments async throws(LedgerError) in
        do {
          return try await Self.run(on: readerQueue) { try pool.read { db in try Self.fetch(db, sql, arguments) } }
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

  public func brokerConnections(
    tenantID: String, broker: String?, beforeSequence: UInt64?, limit: Int
  ) async throws(LedgerError) -> [RecordedBrokerConnection] {
    try await core.brokerConnections(tenantID: tenantID, broker: broker, beforeSequence: beforeSequence, limit: limit)
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
    let pool = self.pool
    try await Self.run(on: writerQueue) { try pool.writeWithoutTransaction { db in try db.execute(sql: sql) } }
  }

  /// The value of a pragma on the writer connection (e.g. `journal_mode`, `synchronous`).
  package func writerPragma(_ name: String) async throws -> String {
    let pool = self.pool
    return try await Self.run(on: writerQueue) { try pool.write { db in try String.fetchOne(db, sql: "PRAGMA \(name)") ?? "" } }
  }

  /// Runs synchronous database work on `queue` and returns its result to the waiting task.
  private static func run<T: Sendable>(on queue: DispatchQueue, _ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
      queue.async { continuation.resume(with: Result { try work() }) }
    }
  }

  /// Opens the file and applies pending migrations on a dispatch queue, since both are
  /// synchronous file I/O that must not block the cooperative pool.
  private static func openAndMigrate(
    path: String, configuration: Configuration, migrations: [LedgerMigrations.Migration]
  ) async throws -> DatabasePool {
    try await run(on: DispatchQueue.global()) {
      let pool = try DatabasePool(path: path, configuration: configuration)
      // GRDB switches the writer to synchronous=NORMAL when it enables WAL, after
      // `prepareDatabase` ran; put FULL back so every commit syncs the WAL.
      try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
      var migrator = DatabaseMigrator()
      for migration in migrations {
        migrator.registerMigration(migration.identifier) { db in
          for statement in migration.statements { try db.execute(sql: statement) }
        }
      }
      try migrator.migrate(pool)
      return pool
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
