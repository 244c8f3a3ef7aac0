import Foundation
import GRDB
import Testing
@testable import SlipstreamLedger

/// The ledger's cached INSERTs on a real SQLite file: rows of a several-row statement land in
/// order, and a constraint in one ends the whole transaction (the store then plans again).
@Suite("SQLiteRowInsert")
struct SQLiteRowInsertTests {
  private func withTable(_ body: (DatabaseQueue) throws -> Void) throws {
    let directory = try LedgerFixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let queue = try DatabaseQueue(path: directory.appendingPathComponent("rows.sqlite").path)
    try queue.write { try $0.execute(sql: "CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT NOT NULL, n INTEGER NOT NULL)") }
    try body(queue)
  }

  private func rows(_ queue: DatabaseQueue) throws -> [[String]] {
    try queue.read { db in
      try Row.fetchAll(db, sql: "SELECT k, v, n FROM t ORDER BY rowid").map { [$0["k"], $0["v"], String($0["n"] as Int)] }
    }
  }

  @Test func severalRowsPerStatementLandInOrderAndOneByOneForTheRest() throws {
    try withTable { queue in
      let rows = (0..<7).map { ["k\($0)", $0.isMultiple(of: 2) ? "" : "v\($0)", "\($0 * 10)"] }
      try queue.write { db in
        var scratch = SQLiteRowScratch()
        let three = try SQLiteRowInsert(db, table: "t", columns: ["k", "v", "n"], rowCount: 3)
        try three.insert(rows: rows[0..<3], scratch: &scratch)
        try three.insert(rows: rows[3..<6], scratch: &scratch)
        try SQLiteRowInsert(db, table: "t", columns: ["k", "v", "n"]).insert(rows[6], scratch: &scratch)
      }
      #expect(try self.rows(queue) == rows)
      // Integer texts were stored as integers (column affinity), empty texts as ''.
      let types = try queue.read { try String.fetchAll($0, sql: "SELECT typeof(n) || typeof(v) FROM t") }
      #expect(Set(types) == ["integertext"])
    }
  }

  /// The audit heads' upsert goes through a several-row statement when a batch touches
  /// many tenants: existing keys are updated, new ones inserted.
  @Test func aSeveralRowUpsertUpdatesExistingRowsAndInsertsNewOnes() throws {
    try withTable { queue in
      let upsert = "ON CONFLICT (k) DO UPDATE SET v = excluded.v, n = excluded.n"
      try queue.write { db in
        var scratch = SQLiteRowScratch()
        try SQLiteRowInsert(db, table: "t", columns: ["k", "v", "n"]).insert(["a", "old", "1"], scratch: &scratch)
        try SQLiteRowInsert(db, table: "t", columns: ["k", "v", "n"], rowCount: 3, onConflict: upsert)
          .insert(rows: [["b", "new", "2"], ["a", "new", "3"], ["c", "new", "4"]], scratch: &scratch)
      }
      #expect(try rows(queue) == [["a", "new", "3"], ["b", "new", "2"], ["c", "new", "4"]])
    }
  }

  @Test func aConstraintInASeveralRowInsertRollsTheWholeTransactionBack() throws {
    try withTable { queue in
      var caught: DatabaseError?
      do {
        try queue.write { db in
          var scratch = SQLiteRowScratch()
          try SQLiteRowInsert(db, table: "t", columns: ["k", "v", "n"]).insert(["a", "x", "1"], scratch: &scratch)
          let three = try SQLiteRowInsert(db, table: "t", columns: ["k", "v", "n"], rowCount: 3)
          try three.insert(rows: [["b", "x", "2"], ["c", "x", "3"], ["d", "x", "4"]], scratch: &scratch)
          try three.insert(rows: [["e", "x", "5"], ["a", "y", "6"], ["f", "x", "7"]], scratch: &scratch)
        }
      } catch let error as DatabaseError {
        caught = error
      }
      #expect(caught?.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY)
      // Nothing of the transaction stays, not even the rows before the failing statement.
      #expect(try rows(queue) == [])
      // The connection goes on: the next transaction (the store's second plan) commits.
      try queue.write { db in
        var scratch = SQLiteRowScratch()
        try SQLiteRowInsert(db, table: "t", columns: ["k", "v", "n"], rowCount: 3)
          .insert(rows: [["a", "x", "1"], ["b", "x", "2"], ["c", "x", "3"]], scratch: &scratch)
      }
      #expect(try rows(queue).map(\.first) == ["a", "b", "c"])
    }
  }
}
