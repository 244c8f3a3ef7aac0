import Logging
import PostgresNIO
import SlipstreamDomain

/// The ledger store on PostgreSQL (postgres-nio), with the same tables, migrations,
/// group commit and audit chain as ``SQLiteLedgerStore``.
///
/// A write is acknowledged after `COMMIT` returned. The audit heads of a batch's tenants are
/// locked (`SELECT … FOR UPDATE`) for the transaction, so two ledger processes sharing one
/// database cannot interleave a tenant's chain.
public final class PostgresLedgerStore: LedgerStore {
  private let client: PostgresClient
  private let runTask: Task<Void, Never>
  private let core: LedgerStoreCore
  private static let logger = Logger(label: "slipstream.ledger.postgres")

  /// Connects to `url` and applies pending migrations.
  ///
  /// - Parameters:
  ///   - url: `postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer]`.
  ///   - options: Batch size and clock.
  /// - Throws: `LedgerError.invalidArgument` for a malformed URL, `.storage` if the database
  ///   cannot be reached or migrated.
  public init(url: String, options: LedgerStoreOptions = .defaults) async throws(LedgerError) {
    let configuration = try PostgresURL(url).configuration
    let client = PostgresClient(configuration: configuration, backgroundLogger: Self.logger)
    self.client = client
    // Started immediately (it runs until its first suspension now), so the migration
    // below never leases a connection before `run()` has begun.
    self.runTask = Task.immediate { await client.run() }
    let now = options.now
    self.core = LedgerStoreCore(
      dialect: .postgres,
      options: options,
      commitBatch: { batch in
        // Inserted as planned, without a savepoint (two round trips and a subtransaction
        // per batch). A repeated id is rare (a retry or a conflict): it rolls the whole
        // transaction back, and a second one plans against what is stored.
        do {
          return try await client.withTransaction(logger: Self.logger) { connection in
            let heads = try await Self.fetch(connection, batch.headsRead.sql, batch.headsRead.arguments)
            let assumed = try batch.planAssumingNew(heads: heads, now: now())
            for statement in assumed.rows.postgresStatements() {
              try await connection.query(Self.query(statement.sql, statement.arguments), logger: Self.logger)
            }
            return (assumed.results, assumed.rows.heads)
          }
        } catch let error as PostgresTransactionError where Self.anIDRepeats(error) {
          // Nothing of the first attempt was committed.
        }
        return try await client.withTransaction(logger: Self.logger) { connection in
          let stamp = now()
          let heads = try await Self.fetch(connection, batch.headsRead.sql, batch.headsRead.arguments)
          var lookedUp: [(lookup: LedgerBatch.Lookup, rows: [[String]])] = []
          for lookup in batch.lookups {
            lookedUp.append((lookup, try await Self.fetch(connection, lookup.sql, lookup.arguments)))
          }
          let (results, rows) = try batch.plan(heads: heads, lookedUp: lookedUp, now: stamp)
          for statement in rows.postgresStatements() {
            try await connection.query(Self.query(statement.sql, statement.arguments), logger: Self.logger)
          }
          return (results, rows.heads)
        }
      },
      fetchRows: { sql, arguments async throws(LedgerError) in
        do {
          return try await client.withConnection { connection in try await Self.fetch(connection, sql, arguments) }
        } catch {
          throw (error as? LedgerError) ?? .storage(reason: String(reflecting: error))
        }
      }
    )
    do {
      try await migrate(LedgerMigrations.all(.postgres, options))
    } catch {
      runTask.cancel()
      throw (error as? LedgerError) ?? .storage(reason: "cannot migrate the PostgreSQL ledger: \(String(reflecting: error))")
    }
  }

  deinit {
    runTask.cancel()
  }

  /// Applies the migrations not yet recorded in `ledger_schema_migrations`, under an advisory
  /// lock so concurrent starts migrate once.
  private func migrate(_ migrations: [LedgerMigrations.Migration]) async throws {
    try await client.withTransaction(logger: Self.logger) { connection in
      try await connection.query("SELECT pg_advisory_xact_lock(7316027)", logger: Self.logger)
      try await connection.query(
        PostgresQuery(
          unsafeSQL: "CREATE TABLE IF NOT EXISTS ledger_schema_migrations (identifier TEXT PRIMARY KEY, "
            + "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        ),
        logger: Self.logger
      )
      let applied = Set(
        try await Self.fetch(connection, "SELECT identifier FROM ledger_schema_migrations", SQLArguments(.postgres)).map { $0[0] }
      )
      for migration in migrations where !applied.contains(migration.identifier) {
        for statement in migration.statements {
          try await connection.query(PostgresQuery(unsafeSQL: statement), logger: Self.logger)
        }
        var arguments = SQLArguments(.postgres)
        let sql = "INSERT INTO ledger_schema_migrations (identifier) VALUES (\(arguments.bind(.text(migration.identifier))))"
        try await connection.query(Self.query(sql, arguments), logger: Self.logger)
      }
    }
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
    runTask.cancel()
    await runTask.value
  }

  /// Runs `sql` outside the ledger's rules. For tests that alter rows as an intruder would.
  /// The statements run in order on one connection.
  package func unsafeExecute(sql statements: String...) async throws {
    try await client.withConnection { connection in
      for sql in statements {
        try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Self.logger)
      }
    }
  }

  /// True when the transaction failed in its body because a unique key refused a row
  /// (SQLSTATE 23505: a stored id repeats) and was rolled back.
  private static func anIDRepeats(_ error: PostgresTransactionError) -> Bool {
    guard error.rollbackError == nil, let failure = error.closureError as? PSQLError else { return false }
    return failure.serverInfo?[.sqlState] == "23505"
  }

  private static func query(_ sql: String, _ arguments: SQLArguments) -> PostgresQuery {
    var bindings = PostgresBindings(capacity: arguments.values.count)
    for value in arguments.values {
      switch value {
      case .text(let text): bindings.append(text)
      case .integer(let integer): bindings.append(integer)
      case .textArray(let texts): bindings.append(texts)
      }
    }
    return PostgresQuery(unsafeSQL: sql, binds: bindings)
  }

  private static func fetch(_ connection: PostgresConnection, _ sql: String, _ arguments: SQLArguments) async throws -> [[String]] {
    var rows: [[String]] = []
    for try await row in try await connection.query(query(sql, arguments), logger: logger) {
      var cells: [String] = []
      for cell in row {
        cells.append(try cell.decode(String?.self) ?? "")
      }
      rows.append(cells)
    }
    return rows
  }
}

/// A `postgres://` URL taken apart.
package struct PostgresURL: Sendable, Hashable {
  package var host: String
  package var port: Int
  package var user: String
  package var password: String?
  package var database: String
  package var useTLS: Bool

  package init(host: String, port: Int, user: String, password: String?, database: String, useTLS: Bool) {
    self.host = host
    self.port = port
    self.user = user
    self.password = password
    self.database = database
    self.useTLS = useTLS
  }

  /// Parses `postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer]`.
  /// - Throws: `LedgerError.invalidArgument(field: "postgres.url", …)` saying what is wrong.
  package init(_ url: String) throws(LedgerError) {
    func invalid(_ reason: String) -> LedgerError { .invalidArgument(field: "postgres.url", reason: reason) }
    var rest = Substring(url)
    guard let scheme = ["postgres://", "postgresql://"].first(where: { rest.hasPrefix($0) }) else {
      throw invalid("must start with postgres:// (got '\(url)')")
    }
    rest = rest.dropFirst(scheme.count)
    var query = Substring("")
    if let mark = rest.firstIndex(of: "?") {
      query = rest[rest.index(after: mark)...]
      rest = rest[..<mark]
    }
    guard let at = rest.lastIndex(of: "@") else { throw invalid("names no user (postgres://USER@host/db)") }
    let credentials = rest[..<at]
    rest = rest[rest.index(after: at)...]
    let userAndPassword = credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
    user = String(userAndPassword[0]).removingPercentEncodingIfPossible
    password = userAndPassword.count > 1 ? String(userAndPassword[1]).removingPercentEncodingIfPossible : nil
    guard let slash = rest.firstIndex(of: "/") else { throw invalid("names no database (postgres://user@host/DATABASE)") }
    database = String(rest[rest.index(after: slash)...])
    let hostAndPort = rest[..<slash].split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
    host = String(hostAndPort[0])
    if hostAndPort.count > 1 {
      guard let port = Int(hostAndPort[1]), (1...65_535).contains(port) else {
        throw invalid("port '\(hostAndPort[1])' is not a number in 1...65535")
      }
      self.port = port
    } else {
      port = 5432
    }
    guard !user.isEmpty, !host.isEmpty, !database.isEmpty else { throw invalid("needs a user, a host and a database") }
    useTLS = !query.split(separator: "&").contains("sslmode=disable")
  }

  var configuration: PostgresClient.Configuration {
    PostgresClient.Configuration(
      host: host, port: port, username: user, password: password, database: database,
      tls: useTLS ? .prefer(.makeClientConfiguration()) : .disable
    )
  }
}

extension String {
  /// The string with `%XX` escapes decoded; unchanged if an escape is malformed.
  fileprivate var removingPercentEncodingIfPossible: String {
    guard contains("%") else { return self }
    var bytes: [UInt8] = []
    var iterator = utf8.makeIterator()
    while let byte = iterator.next() {
      guard byte == UInt8(ascii: "%") else {
        bytes.append(byte)
        continue
      }
      guard let high = iterator.next(), let low = iterator.next(),
        let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
      else { return self }
      bytes.append(value)
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
