import SlipstreamDomain
import Synchronization
import Testing
@testable import SlipstreamLedger

@Suite("GroupCommitter", .timeLimit(.minutes(1)))
struct GroupCommitterTests {
  /// A pipeline whose batches are lists and that reports each write it adds.
  struct ReportingPipeline: GroupCommitPipeline {
    let added: AsyncStream<Int>.Continuation
    let commitRequests: @Sendable ([Int]) async throws -> [Result<Int, LedgerError>]

    func openBatch() -> [Int] { [] }
    func add(_ request: Int, to batch: inout [Int]) {
      batch.append(request)
      added.yield(request)
    }
    func seal(_ batch: inout [Int]) {}
    func commit(_ batch: [Int]) async throws -> [Result<Int, LedgerError>] { try await commitRequests(batch) }
  }

  /// The pipeline prepares the next batch while one commits: writes that arrive during a
  /// commit are added to the open batch before that commit returns. (A lone write commits
  /// in the drain itself, so the pipelined batch here is the second, of two writes.)
  @Test func theNextBatchIsPreparedWhileOneCommits() async throws {
    let (started, startedContinuation) = AsyncStream<[Int]>.makeStream()
    let (gate, gateContinuation) = AsyncStream<Void>.makeStream()
    let (added, addedContinuation) = AsyncStream<Int>.makeStream()
    let batches = Mutex<[[Int]]>([])
    let pipeline = ReportingPipeline(added: addedContinuation) { batch in
      batches.withLock { $0.append(batch) }
      if batch.count < 3 {
        startedContinuation.yield(batch)
        for await _ in gate { break }
      }
      return batch.map { .success($0 + 100) }
    }
    let committer = GroupCommitter(maximumBatchSize: 8, pipeline: pipeline)
    var addedValues = added.makeAsyncIterator()
    var startedBatches = started.makeAsyncIterator()
    try await withThrowingTaskGroup(of: (Int, Int).self) { group in
      // [0] commits alone (held at the gate); 1 and 2 queue meanwhile.
      group.addTask { (0, try await committer.submit(0)) }
      #expect(await startedBatches.next() == [0])
      for value in 1...2 { group.addTask { (value, try await committer.submit(value)) } }
      while committer.queuedCount < 2 { await Task.yield() }
      gateContinuation.yield()
      // [1, 2] commits as a pipelined batch (held at the gate); 3...5 arrive meanwhile.
      #expect(await startedBatches.next()?.sorted() == [1, 2])
      for value in 3...5 { group.addTask { (value, try await committer.submit(value)) } }
      var seen: [Int] = []
      while seen.count < 6, let value = await addedValues.next() { seen.append(value) }
      // Adds of 3...5 happened while [1, 2] was still held at the gate.
      #expect(seen.sorted() == [0, 1, 2, 3, 4, 5])
      #expect(batches.withLock { $0.count } == 2)
      gateContinuation.yield()
      var results: [Int: Int] = [:]
      for try await (value, response) in group { results[value] = response }
      #expect(results == Dictionary(uniqueKeysWithValues: (0...5).map { ($0, $0 + 100) }))
    }
    #expect(batches.withLock { $0.map { $0.sorted() } } == [[0], [1, 2], [3, 4, 5]])
  }

  /// Writes that arrive while a batch commits are committed together in the next batch, in
  /// batches of at most the maximum size, and each caller gets its own result.
  @Test func writesArrivingDuringACommitShareTheNextBatch() async throws {
    let (started, startedContinuation) = AsyncStream<Void>.makeStream()
    let (gate, gateContinuation) = AsyncStream<Void>.makeStream()
    let sizes = Mutex<[Int]>([])
    let committer = GroupCommitter(maximumBatchSize: 4) { (batch: [Int]) async throws -> [Result<Int, LedgerError>] in
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
    let committer = GroupCommitter(maximumBatchSize: 8) { (batch: [Int]) async throws -> [Result<Int, LedgerError>] in
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
    let committer = GroupCommitter(maximumBatchSize: 8) { (batch: [Int]) async throws -> [Result<Int, LedgerError>] in batch.map { .success($0) } }
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

@Suite("LedgerCommitPipeline")
struct LedgerCommitPipelineTests {
  let head7 = AuditHead(sequence: 7, hash: String(repeating: "a", count: 64))
  let head9 = AuditHead(sequence: 9, hash: String(repeating: "b", count: 64))

  /// A batch whose tenants' heads are expected is planned as writes are added; the plan is
  /// used if the stored heads are the expected ones, and made again against the stored heads
  /// if not (another writer moved a head).
  @Test func aPlanMadeInAdvanceIsUsedOnlyIfTheStoredHeadsAreTheExpectedOnes() throws {
    var batch = LedgerBatch(dialect: .sqlite)
    batch.add(.trade(LedgerFixtures.trade("tr-1")), stamp: { Timestamp(nanosecondsSinceEpoch: 1) }) { _ in .some(head7) }
    batch.add(.trade(LedgerFixtures.trade("tr-2")), stamp: { Timestamp(nanosecondsSinceEpoch: 2) }) { _ in .some(head9) }
    batch.seal()
    #expect(batch.isPlannedInAdvance)
    #expect(batch.plannedHeads["tenant-a"]?.sequence == 9)

    let asExpected = try batch.planAssumingNew(heads: [["tenant-a", "7", head7.hash]], now: Timestamp(nanosecondsSinceEpoch: 50))
    #expect(asExpected.rows.auditEntries.map(\.entry.sequence) == [8, 9])
    #expect(asExpected.rows.auditEntries[0].entry.previousHash == head7.hash)
    // Stamped when added, not when committed.
    #expect(try asExpected.results[0].get() == .trade(.recorded(RecordedTrade(
      trade: LedgerFixtures.trade("tr-1"), recordedAt: Timestamp(nanosecondsSinceEpoch: 1), auditSequence: 8
    ))))

    let moved = try batch.planAssumingNew(heads: [["tenant-a", "9", head9.hash]], now: Timestamp(nanosecondsSinceEpoch: 50))
    #expect(moved.rows.auditEntries.map(\.entry.sequence) == [10, 11])
    #expect(moved.rows.auditEntries[0].entry.previousHash == head9.hash)
    #expect(moved.rows.heads["tenant-a"]?.sequence == 11)
    #expect(try moved.results[0].get() == .trade(.recorded(RecordedTrade(
      trade: LedgerFixtures.trade("tr-1"), recordedAt: Timestamp(nanosecondsSinceEpoch: 50), auditSequence: 10
    ))))

    let noHeadStored = try batch.planAssumingNew(heads: [], now: Timestamp(nanosecondsSinceEpoch: 50))
    #expect(noHeadStored.rows.auditEntries.map(\.entry.sequence) == [1, 2])
  }

  /// A tenant whose head is not known makes the batch plan in the transaction.
  @Test func anUnknownTenantMakesTheBatchPlanInTheTransaction() throws {
    var batch = LedgerBatch(dialect: .sqlite)
    batch.add(.trade(LedgerFixtures.trade("tr-1")), stamp: { Timestamp(nanosecondsSinceEpoch: 1) }) { _ in .some(head7) }
    batch.add(.trade(LedgerFixtures.trade("tr-2", tenant: "tenant-b")), stamp: { Timestamp(nanosecondsSinceEpoch: 1) }) { _ in nil }
    batch.seal()
    #expect(!batch.isPlannedInAdvance)
    #expect(batch.plannedHeads.isEmpty)
    let planned = try batch.planAssumingNew(heads: [["tenant-a", "7", head7.hash]], now: Timestamp(nanosecondsSinceEpoch: 50))
    #expect(planned.rows.auditEntries.map(\.entry.sequence) == [8, 1])
  }

  /// Under load each batch opens before the one before it commits. A batch opened while its
  /// tenant was unknown is planned when sealed, once the commit before it taught the cache
  /// the head, so the batch after it can be planned in advance again.
  @Test func aBatchOpenedWhileTheHeadWasUnknownIsPlannedWhenSealed() async throws {
    let pipeline = LedgerCommitPipeline(dialect: .sqlite, now: LedgerFixtures.steppingClock()) { batch in
      let planned = try batch.planAssumingNew(heads: [], now: Timestamp(nanosecondsSinceEpoch: 5))
      return (planned.results, planned.rows.heads)
    }
    var first = pipeline.openBatch()
    pipeline.add(.trade(LedgerFixtures.trade("tr-1")), to: &first)
    pipeline.seal(&first)
    var second = pipeline.openBatch()
    pipeline.add(.trade(LedgerFixtures.trade("tr-2")), to: &second)
    #expect(!second.isPlannedInAdvance)
    _ = try await pipeline.commit(first)
    pipeline.seal(&second)
    #expect(second.isPlannedInAdvance)
    #expect(second.plannedHeads["tenant-a"]?.sequence == 2)
    var third = pipeline.openBatch()
    pipeline.add(.trade(LedgerFixtures.trade("tr-3")), to: &third)
    #expect(third.isPlannedInAdvance)
    #expect(third.plannedHeads["tenant-a"]?.sequence == 3)
  }

  /// The cache learns heads from commits, expects a sealed batch's planned heads, and forgets
  /// the tenants of a failed batch.
  @Test func expectedHeadsFollowSealsCommitsAndFailures() async throws {
    let fail = Mutex(false)
    let pipeline = LedgerCommitPipeline(dialect: .sqlite, now: LedgerFixtures.steppingClock()) { batch in
      if fail.withLock({ $0 }) { throw LedgerError.storage(reason: "disk full") }
      let stored: [[String]] = []
      let planned = try batch.planAssumingNew(heads: stored, now: Timestamp(nanosecondsSinceEpoch: 5))
      return (planned.results, planned.rows.heads)
    }
    #expect(pipeline.expectedHead(of: "tenant-a") == nil)
    var first = pipeline.openBatch()
    pipeline.add(.trade(LedgerFixtures.trade("tr-1")), to: &first)
    pipeline.seal(&first)
    #expect(!first.isPlannedInAdvance)
    _ = try await pipeline.commit(first)
    #expect(pipeline.expectedHead(of: "tenant-a")??.sequence == 1)

    var second = pipeline.openBatch()
    pipeline.add(.trade(LedgerFixtures.trade("tr-2")), to: &second)
    pipeline.seal(&second)
    #expect(second.isPlannedInAdvance)
    #expect(pipeline.expectedHead(of: "tenant-a")??.sequence == 2)

    fail.withLock { $0 = true }
    await #expect(throws: LedgerError.storage(reason: "disk full")) { try await pipeline.commit(second) }
    #expect(pipeline.expectedHead(of: "tenant-a") == nil)
  }
}
