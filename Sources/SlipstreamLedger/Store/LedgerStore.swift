public import SlipstreamDomain

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the ledger keeps its records. One setting switches the backend.
public enum LedgerStorageConfiguration: Sendable, Hashable {
  /// An embedded SQLite database file (WAL, `synchronous=FULL`); created if missing.
  case sqlite(path: String)
  /// A PostgreSQL database, e.g. `postgres://ledger:secret@127.0.0.1:5432/ledger`.
  case postgres(url: String)
}

/// Settings shared by every store.
public struct LedgerStoreOptions: Sendable {
  /// The most writes committed in one transaction.
  public var maximumBatchSize: Int
  /// The clock stamping `recorded_at`.
  public var now: @Sendable () -> Timestamp
  /// Applies the migrations only up to and including this one (tests open a store at an
  /// older schema, record into it, and then let a later store migrate it); nil applies all.
  package var lastMigration: String?

  /// Creates options; the defaults suit production.
  public init(maximumBatchSize: Int = 2_048, now: @escaping @Sendable () -> Timestamp = LedgerStoreOptions.systemNow) {
    self.maximumBatchSize = maximumBatchSize
    self.now = now
  }

  /// The defaults.
  public static var defaults: LedgerStoreOptions { LedgerStoreOptions() }

  /// The system's wall clock.
  public static let systemNow: @Sendable () -> Timestamp = {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Timestamp(nanosecondsSinceEpoch: Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec))
  }
}

/// Which trades to list, oldest first by execution time then trade id.
public struct TradeListQuery: Sendable, Hashable {
  /// The tenant whose trades are listed.
  public var tenantID: String
  /// nil lists the tenant ledger path; a user id lists that user's portfolio history path.
  public var userID: String?
  /// Only trades executed at or after this instant.
  public var executedFrom: Timestamp?
  /// Only trades executed before this instant.
  public var executedBefore: Timestamp?
  /// Only these canonical symbols; empty lists all.
  public var symbols: [String]
  /// Only these strategies; empty lists all.
  public var strategyIDs: [String]
  /// The most trades per page.
  public var pageSize: Int
  /// Continue after this position (from a previous page).
  public var after: TradeCursor?

  /// Creates a query.
  public init(
    tenantID: String,
    userID: String? = nil,
    executedFrom: Timestamp? = nil,
    executedBefore: Timestamp? = nil,
    symbols: [String] = [],
    strategyIDs: [String] = [],
    pageSize: Int = 100,
    after: TradeCursor? = nil
  ) {
    self.tenantID = tenantID
    self.userID = userID
    self.executedFrom = executedFrom
    self.executedBefore = executedBefore
    self.symbols = symbols
    self.strategyIDs = strategyIDs
    self.pageSize = pageSize
    self.after = after
  }
}

/// A page of trades and where the next page starts.
public struct TradePage: Sendable, Hashable {
  /// The trades, oldest first.
  public var trades: [RecordedTrade]
  /// Where the next page starts; nil on the last page.
  public var next: TradeCursor?

  public init(trades: [RecordedTrade], next: TradeCursor?) {
    self.trades = trades
    self.next = next
  }
}

/// The durable store behind the ledger service: SQLite or PostgreSQL.
///
/// Every write is acknowledged only after the transaction holding it committed; concurrent
/// writes are group-committed. Every method throws ``LedgerError``.
public protocol LedgerStore: Sendable {
  /// Records a trade in the tenant ledger and the user's portfolio history, in one transaction.
  ///
  /// - Returns: `.recorded` for a new trade; `.duplicate` with the original when the trade id
  ///   (or the broker's execution id) was recorded before with the same content.
  /// - Throws: `LedgerError.missingUserID` (nothing written), `.conflictingTrade`,
  ///   `.conflictingExecution`, `.invalidArgument`, `.storage`, `.closed`.
  func record(_ trade: LedgerTrade) async throws(LedgerError) -> TradeRecordOutcome

  /// Appends a routing decision to the tenant's audit log; a retry returns the original entry.
  /// - Throws: `LedgerError.conflictingDecision`, `.invalidArgument`, `.storage`, `.closed`.
  func recordRouteDecision(_ decision: RouteDecisionRecord) async throws(LedgerError) -> AuditReceipt

  /// Appends a broker connection snapshot to the tenant's audit log.
  /// - Throws: `LedgerError.storage`, `.closed`.
  func recordBrokerConnection(_ record: BrokerConnectionRecord) async throws(LedgerError) -> AuditReceipt

  /// A tenant's broker connection snapshots.
  ///
  /// - Parameters:
  ///   - tenantID: The tenant.
  ///   - broker: nil for the latest snapshot of each broker, by broker id; a broker id for
  ///     that broker's snapshots, newest first.
  ///   - beforeSequence: With a broker, only snapshots before this audit sequence (nil: from
  ///     the newest).
  ///   - limit: The most snapshots returned (1...1,000).
  /// - Throws: `LedgerError.storage`.
  func brokerConnections(
    tenantID: String, broker: String?, beforeSequence: UInt64?, limit: Int
  ) async throws(LedgerError) -> [RecordedBrokerConnection]

  /// The stored trade with this id in the tenant, or nil.
  /// - Throws: `LedgerError.storage`.
  func trade(tenantID: String, tradeID: String) async throws(LedgerError) -> RecordedTrade?

  /// One page of trades.
  /// - Throws: `LedgerError.storage`.
  func listTrades(_ query: TradeListQuery) async throws(LedgerError) -> TradePage

  /// Checks the tenant's audit chain from `fromSequence` (1 if 0) through `toSequence` (the end if 0).
  /// - Throws: `LedgerError.storage`.
  func verifyAudit(tenantID: String, fromSequence: UInt64, toSequence: UInt64) async throws(LedgerError) -> AuditVerification

  /// Commits what is queued, then closes the database. Later writes throw `LedgerError.closed`.
  func close() async throws(LedgerError)
}

extension LedgerStore {
  /// Every trade matching `query` (ignoring its page size and cursor), oldest first.
  /// - Throws: `LedgerError.storage`.
  public func allTrades(matching query: TradeListQuery) async throws(LedgerError) -> [RecordedTrade] {
    var query = query
    query.pageSize = 1_000
    query.after = nil
    var trades: [RecordedTrade] = []
    while true {
      let page = try await listTrades(query)
      trades += page.trades
      guard let next = page.next else { return trades }
      query.after = next
    }
  }
}

extension LedgerStorageConfiguration {
  /// Opens the configured store, applying pending migrations.
  /// - Throws: `LedgerError.storage` if the database cannot be opened or migrated,
  ///   `.invalidArgument` for a malformed PostgreSQL URL.
  public func makeStore(options: LedgerStoreOptions = .defaults) async throws(LedgerError) -> any LedgerStore {
    switch self {
    case .sqlite(let path):
      return try await SQLiteLedgerStore(path: path, options: options)
    case .postgres(let url):
      return try await PostgresLedgerStore(url: url, options: options)
    }
  }
}
