import Crypto

/// What an audit entry records.
package enum AuditRecordKind: String, Sendable, Hashable {
  case trade
  case routeDecision = "route_decision"
  case brokerConnection = "broker_connection"
}

/// The last entry of a tenant's audit chain.
package struct AuditHead: Sendable, Hashable {
  package var sequence: UInt64
  package var hash: String

  package init(sequence: UInt64, hash: String) {
    self.sequence = sequence
    self.hash = hash
  }

  /// The head of an empty chain: sequence 0 and 64 zeros.
  package static let genesis = AuditHead(sequence: 0, hash: String(repeating: "0", count: 64))
}

/// One stored entry of the audit log.
package struct AuditEntry: Sendable, Hashable {
  package var sequence: UInt64
  package var kind: String
  package var recordID: String
  package var previousHash: String
  package var hash: String

  package init(sequence: UInt64, kind: String, recordID: String, previousHash: String, hash: String) {
    self.sequence = sequence
    self.kind = kind
    self.recordID = recordID
    self.previousHash = previousHash
    self.hash = hash
  }
}

/// The per-tenant hash chain: `hash = SHA-256(previous hash ‖ canonical encoding of the record)`.
package enum AuditChain {
  /// The hash of a record appended after `previousHash`.
  ///
  /// The canonical encoding covers the kind, the table and every column name and value in
  /// the table's column order, so altering any stored value (or moving a row to another
  /// table) changes the hash.
  package static func hash(previous previousHash: String, kind: String, table: LedgerTable, row: [String]) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(1_024)
    for item in [previousHash, kind, table.name] { CanonicalText.append(item, to: &bytes) }
    for (column, value) in zip(table.columns, row) {
      CanonicalText.append(column.name, to: &bytes)
      CanonicalText.append(value, to: &bytes)
    }
    return hex(SHA256.hash(data: bytes))
  }

  /// Lowercase hex of a digest.
  package static func hex(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text = [UInt8]()
    for byte in bytes {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: text, as: UTF8.self)
  }

  /// The next entry after `head` for a record, and the new head.
  package static func append(
    after head: AuditHead,
    kind: AuditRecordKind,
    recordID: String,
    table: LedgerTable,
    row: [String]
  ) -> AuditEntry {
    AuditEntry(
      sequence: head.sequence + 1,
      kind: kind.rawValue,
      recordID: recordID,
      previousHash: head.hash,
      hash: hash(previous: head.hash, kind: kind.rawValue, table: table, row: row)
    )
  }
}
