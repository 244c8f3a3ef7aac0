import SlipstreamDomain
import Synchronization

/// The ledger's group-commit pipeline: plans each write (its rows and its audit entry's hash)
/// as it joins the open batch, against the audit heads the batch committing meanwhile will
/// leave, so that the store's transaction usually only reads the heads, finds them as
/// assumed, and inserts.
///
/// The expected heads are a cache, never trusted: the transaction compares the stored heads
/// with the ones the batch assumed and plans again if any differs (another process wrote, a
/// batch failed, a write turned out to repeat a stored one). A tenant the cache does not know
/// (the first batch after start, or after a failed batch) makes its batch plan in the
/// transaction, and the commit teaches the cache that tenant's head.
package final class LedgerCommitPipeline: GroupCommitPipeline {
  /// Runs a sealed batch in one transaction; returns one result per write and the audit
  /// head of each of the batch's tenants after the commit (a tenant missing has none).
  package typealias Transaction = @Sendable (LedgerBatch) async throws -> (
    results: [Result<LedgerWriteResult, LedgerError>], heads: [String: AuditHead]
  )

  /// The most tenants whose heads are cached; beyond it the cache starts over.
  private static var cachedTenantLimit: Int { 100_000 }

  private let dialect: SQLDialect
  private let now: @Sendable () -> Timestamp
  private let transaction: Transaction
  /// By tenant, the head it will have once the sealed batches commit as planned (`.some(nil)`:
  /// no head); a tenant missing is unknown.
  private let expectedHeads = Mutex<[String: AuditHead?]>([:])

  /// Creates the pipeline.
  /// - Parameters:
  ///   - dialect: The SQL flavour of the batches' reads.
  ///   - now: The clock stamping new records.
  ///   - transaction: Runs one batch.
  package init(dialect: SQLDialect, now: @escaping @Sendable () -> Timestamp, transaction: @escaping Transaction) {
    self.dialect = dialect
    self.now = now
    self.transaction = transaction
  }

  package func openBatch() -> LedgerBatch {
    LedgerBatch(dialect: dialect)
  }

  package func add(_ write: LedgerWrite, to batch: inout LedgerBatch) {
    batch.add(write, stamp: now) { tenantID in expectedHeads.withLock { $0[tenantID] } }
  }

  package func seal(_ batch: inout LedgerBatch) {
    // A batch opened while its tenant's head was unknown (the batch before it planned in its
    // transaction) is planned now, once that batch's commit has taught the cache the head;
    // otherwise every batch would open before the one before it commits and none would ever
    // be planned in advance.
    batch.planInAdvanceIfPossible(stamp: now) { tenantID in expectedHeads.withLock { $0[tenantID] } }
    batch.seal()
    let tenants = batch.tenants
    let planned = batch.isPlannedInAdvance ? batch.plannedHeads : nil
    expectedHeads.withLock { expected in
      for tenantID in tenants {
        if let planned {
          expected[tenantID] = .some(planned[tenantID])
        } else {
          expected.removeValue(forKey: tenantID)
        }
      }
    }
  }

  package func commit(_ batch: LedgerBatch) async throws -> [Result<LedgerWriteResult, LedgerError>] {
    let tenants = batch.tenants
    do {
      let (results, heads) = try await transaction(batch)
      expectedHeads.withLock { expected in
        if expected.count > Self.cachedTenantLimit { expected.removeAll() }
        for tenantID in tenants { expected[tenantID] = .some(heads[tenantID]) }
      }
      return results
    } catch {
      expectedHeads.withLock { expected in
        for tenantID in tenants { expected.removeValue(forKey: tenantID) }
      }
      throw error
    }
  }

  /// The head the cache expects for `tenantID` (nil: unknown). For tests.
  package func expectedHead(of tenantID: String) -> AuditHead?? {
    expectedHeads.withLock { $0[tenantID] }
  }
}
