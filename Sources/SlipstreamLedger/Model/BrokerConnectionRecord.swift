public import SlipstreamDomain

/// A snapshot of one broker connection of a tenant, appended whenever it changes.
public struct BrokerConnectionRecord: Sendable, Hashable {
  /// The connection's state.
  public enum State: String, Sendable, Hashable, CaseIterable {
    case connected
    case degraded
    case disconnected
    case disabled
  }

  public var tenantID: String
  /// The broker id, e.g. "alpaca".
  public var broker: String
  public var state: State
  /// Asset classes the connection trades.
  public var assetClasses: Set<AssetClass>
  /// Fee schedule by fee name (e.g. "equity.commission" → 0.005).
  public var feeSchedule: [String: FixedDecimal]
  /// Routing priority, lower first.
  public var priority: Int64
  /// When the connection last synchronized with the broker; nil if never.
  public var lastSync: Timestamp?

  /// Creates a record.
  public init(
    tenantID: String,
    broker: String,
    state: State,
    assetClasses: Set<AssetClass>,
    feeSchedule: [String: FixedDecimal] = [:],
    priority: Int64 = 0,
    lastSync: Timestamp? = nil
  ) {
    self.tenantID = tenantID
    self.broker = broker
    self.state = state
    self.assetClasses = assetClasses
    self.feeSchedule = feeSchedule
    self.priority = priority
    self.lastSync = lastSync
  }
}

/// A broker connection snapshot as stored.
public struct RecordedBrokerConnection: Sendable, Hashable {
  /// The snapshot.
  public var record: BrokerConnectionRecord
  /// When the ledger recorded it.
  public var recordedAt: Timestamp
  /// Its position in the tenant's audit chain.
  public var auditSequence: UInt64

  public init(record: BrokerConnectionRecord, recordedAt: Timestamp, auditSequence: UInt64) {
    self.record = record
    self.recordedAt = recordedAt
    self.auditSequence = auditSequence
  }
}

/// Where an appended record sits in its tenant's audit chain.
public struct AuditReceipt: Sendable, Hashable {
  /// Position in the tenant's audit chain, from 1.
  public var sequence: UInt64
  /// SHA-256 of the entry (covering the previous entry's hash), lowercase hex.
  public var entryHash: String
  /// True if the record's id was recorded before and this is the original entry.
  public var duplicate: Bool

  public init(sequence: UInt64, entryHash: String, duplicate: Bool) {
    self.sequence = sequence
    self.entryHash = entryHash
    self.duplicate = duplicate
  }
}
