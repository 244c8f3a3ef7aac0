import SlipstreamDomain
import Synchronization
import Testing
@testable import SlipstreamLedger

@Suite("GroupCommitter")
struct GroupCommitterTests {
  /// Writes that arrive while a batch commits are committed together in the next batch, in
  /// batches of at most the maximum size, and each caller gets its own result.
  @Test func writesArrivingDuringACommitShareTheNextBatch() async throws {
    let (started, startedContinuation) = AsyncStream<Void>.makeStream()
    let (gate, gateContinuation) = AsyncStream<Void>.makeStream()
    let sizes = Mutex<[Int]>([])
    let committer = GroupCommitter<Int, Int>(maximumBatchSize: 4) { batch in
      sizes.withLock { $0.append(batch.count) }
      if batch == [0] {
        startedContinuation.yield()
        for await _ in gate { break }
      }
      return batch.map { .success($0 * 2) }
    }
    try await withThrowingTaskGroup(of: (Int, Int).self) { group in
      group.addTask { (0, try await committer.submit(0)) }
      for await _ in started { break }
      for value in 1...9 {
        group.addTask { (value, try await committer.submit(value)) }
      }
      // Await the event "nine writes are queued" (bounded: the tasks enqueue without waiting).
      while committer.queuedCount < 9 { await Task.yield() }
      gateContinuation.yield()
      var results: [Int: Int] = [:]
      for try await (value, doubled) in group { results[value] = doubled }
      #expect(results == Dictionary(uniqueKeysWithValues: (0...9).map { ($0, $0 * 2) }))
    }
    #expect(sizes.withLock { $0 } == [1, 4, 4, 1])
  }

  /// A failed transaction is retried write by write, so only the write that fails alone fails.
  @Test func aFailedBatchIsRetriedWriteByWrite() async throws {
    let (started, startedContinuation) = AsyncStream<Void>.makeStream()
    let (gate, gateContinuation) = AsyncStream<Void>.makeStream()
    let committer = GroupCommitter<Int, Int>(maximumBatchSize: 8) { batch in
      if batch == [0] {
        startedContinuation.yield()
        for await _ in gate { break }
      }
      if batch.contains(-1) { throw LedgerError.storage(reason: "poison") }
      return batch.map { .success($0) }
    }
    try await withThrowingTaskGroup(of: Result<Int, LedgerError>.self) { group in
      group.addTask { .success(try await committer.submit(0)) }
      for await _ in started { break }
      for value in [1, -1, 2] {
        group.addTask {
          do throws(LedgerError) { return .success(try await committer.submit(value)) } catch { return .failure(error) }
        }
      }
      while committer.queuedCount < 3 { await Task.yield() }
      gateContinuation.yield()
      var results: [Result<Int, LedgerError>] = []
      for try await result in group { results.append(result) }
      #expect(results.filter { (try? $0.get()) != nil }.count == 3)
      #expect(results.contains { $0 == .failure(.storage(reason: "poison")) })
    }
  }

  @Test func closeRefusesLaterWrites() async throws {
    let committer = GroupCommitter<Int, Int>(maximumBatchSize: 8) { batch in batch.map { .success($0) } }
    #expect(try await committer.submit(1) == 1)
    await committer.close()
    await #expect(throws: LedgerError.closed) { try await committer.submit(2) }
  }
}

@Suite("LedgerWritePlanner")
struct LedgerWritePlannerTests {
  let now = Timestamp(nanosecondsSinceEpoch: 42)

  /// Two copies of one trade in one batch record it once; the second is its duplicate.
  @Test func copiesOfOneTradeInOneBatchAreRecordedOnce() throws {
    let trade = LedgerFixtures.trade("tr-1", execution: "exec-1")
    var renamed = trade
    renamed.tradeID = "tr-1b"
    var conflicting = trade
    conflicting.quantity = "11"
    var planner = LedgerWritePlanner(now: now, heads: [:], storedTrades: [], storedDecisions: [])
    let results = [trade, trade, renamed, conflicting].map { planner.plan(.trade($0)) }
    let recorded = RecordedTrade(trade: trade, recordedAt: now, auditSequence: 1)
    #expect(try results[0].get() == .trade(.recorded(recorded)))
    #expect(try results[1].get() == .trade(.duplicate(recorded)))
    #expect(try results[2].get() == .trade(.duplicate(recorded)))
    #expect(results[3] == .failure(.conflictingTrade(tradeID: "tr-1")))
    #expect(planner.rows.map(\.table.name) == ["ledger_trades", "user_portfolio_trades"])
    #expect(planner.auditEntries.map(\.entry.sequence) == [1])
    #expect(planner.heads["tenant-a"]?.sequence == 1)
  }

  @Test func chainContinuesFromTheStoredHead() throws {
    let head = AuditHead(sequence: 7, hash: String(repeating: "a", count: 64))
    var planner = LedgerWritePlanner(now: now, heads: ["tenant-a": head], storedTrades: [], storedDecisions: [])
    _ = planner.plan(.trade(LedgerFixtures.trade("tr-1")))
    _ = planner.plan(.brokerConnection(LedgerFixtures.connection()))
    #expect(planner.auditEntries.map(\.entry.sequence) == [8, 9])
    #expect(planner.auditEntries[0].entry.previousHash == head.hash)
    #expect(planner.auditEntries[1].entry.previousHash == planner.auditEntries[0].entry.hash)
  }

  @Test(arguments: [
    (LedgerFixtures.trade("tr-1", tenant: ""), LedgerError.invalidArgument(field: "trade.owner.tenant_id", reason: "is required")),
    (LedgerFixtures.trade("", tenant: "t"), LedgerError.invalidArgument(field: "trade.trade_id", reason: "is required")),
    (LedgerFixtures.trade("tr-1", user: ""), LedgerError.missingUserID(tradeID: "tr-1")),
  ])
  func tradesWithoutIdentityWriteNothing(_ trade: LedgerTrade, _ error: LedgerError) {
    var planner = LedgerWritePlanner(now: now, heads: [:], storedTrades: [], storedDecisions: [])
    #expect(planner.plan(.trade(trade)) == .failure(error))
    #expect(planner.rows.isEmpty && planner.auditEntries.isEmpty)
  }
}
