/// The result of checking a tenant's audit chain.
public struct AuditVerification: Sendable, Hashable {
  /// True if every checked link holds.
  public var intact: Bool { firstBrokenLink == nil }
  /// Entries checked (up to and including the first broken one).
  public var entriesChecked: UInt64
  /// The first link that does not hold, if any.
  public var firstBrokenLink: BrokenAuditLink?

  public init(entriesChecked: UInt64, firstBrokenLink: BrokenAuditLink?) {
    self.entriesChecked = entriesChecked
    self.firstBrokenLink = firstBrokenLink
  }
}

/// An audit entry whose stored hash does not match its record and predecessor.
public struct BrokenAuditLink: Sendable, Hashable {
  /// The entry's sequence, from 1.
  public var sequence: UInt64
  /// What the entry records: "trade", "route_decision" or "broker_connection".
  public var recordKind: String
  /// The id of the record (trade id, decision id, or broker connection sequence).
  public var recordID: String
  /// The hash recomputed from the stored record and the previous entry's stored hash; empty
  /// when the record is missing.
  public var expectedHash: String
  /// The hash stored in the entry.
  public var storedHash: String
  /// What does not hold, for a person investigating.
  public var reason: String

  public init(sequence: UInt64, recordKind: String, recordID: String, expectedHash: String, storedHash: String, reason: String) {
    self.sequence = sequence
    self.recordKind = recordKind
    self.recordID = recordID
    self.expectedHash = expectedHash
    self.storedHash = storedHash
    self.reason = reason
  }
}

/// Walks audit entries in sequence order and finds the first link that does not hold.
package struct AuditVerifier: Sendable {
  private var previous: AuditHead
  package private(set) var entriesChecked: UInt64 = 0

  /// Starts after `previous` (the genesis head, or the stored entry before the checked range).
  package init(after previous: AuditHead) {
    self.previous = previous
  }

  /// Checks one entry against the rows of its record.
  ///
  /// - Parameters:
  ///   - entry: The stored entry.
  ///   - table: The table whose encoding the hash covers.
  ///   - rows: Every stored copy of the record (a trade has two: tenant ledger and user history);
  ///     nil for a copy that is missing.
  /// - Returns: The broken link, or nil if the entry holds.
  package mutating func check(_ entry: AuditEntry, table: LedgerTable, rows: [[String]?]) -> BrokenAuditLink? {
    entriesChecked += 1
    func broken(_ expected: String, _ reason: String) -> BrokenAuditLink {
      BrokenAuditLink(
        sequence: entry.sequence, recordKind: entry.kind, recordID: entry.recordID,
        expectedHash: expected, storedHash: entry.hash, reason: reason
      )
    }
    guard entry.sequence == previous.sequence + 1 else {
      return BrokenAuditLink(
        sequence: previous.sequence + 1, recordKind: "", recordID: "", expectedHash: "", storedHash: "",
        reason: "entry \(previous.sequence + 1) is missing (the next stored entry is \(entry.sequence))"
      )
    }
    guard entry.previousHash == previous.hash else {
      return broken(
        AuditChain.hash(previous: previous.hash, kind: entry.kind, table: table, row: rows.first.flatMap { $0 } ?? []),
        "the entry's previous hash does not match entry \(previous.sequence)"
      )
    }
    for (index, row) in rows.enumerated() {
      guard let row else {
        return broken("", "the record is missing from copy \(index + 1) of \(rows.count)")
      }
      let expected = AuditChain.hash(previous: previous.hash, kind: entry.kind, table: table, row: row)
      guard expected == entry.hash else {
        return broken(expected, "the stored record (copy \(index + 1) of \(rows.count)) does not match its hash")
      }
    }
    previous = AuditHead(sequence: entry.sequence, hash: entry.hash)
    return nil
  }
}
