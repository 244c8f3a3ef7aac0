import Foundation
import SlipstreamAPI
import SlipstreamRPC
import SlipstreamTransport
import SlipstreamWire
import Synchronization
import Testing

/// SIGKILLs `ledger-service` again and again while a client records trades; after each
/// restart every acknowledged trade is on both paths exactly once, retrying the calls that
/// were cut off is safe, and the audit chain is intact.
///
/// Iterations: `SLIPSTREAM_CRASH_ITERATIONS` (default 200 on SQLite); with
/// `SLIPSTREAM_TEST_POSTGRES_URL` set, the PostgreSQL run uses
/// `SLIPSTREAM_CRASH_ITERATIONS_POSTGRES` (default 50). The longer documented run:
/// `SLIPSTREAM_CRASH_ITERATIONS=2000 swift test --filter LedgerCrashTests`. Every
/// ``killsPerLedger`` kills start on a fresh ledger.
@Suite("ledger-service crash test", .serialized)
struct LedgerCrashTests {
  static let writers = 4
  static let users = ["u-0", "u-1", "u-2", "u-3"]

  static func iterations(_ variable: String, default value: Int) -> Int {
    ProcessInfo.processInfo.environment[variable].flatMap(Int.init) ?? value
  }

  /// Kills per ledger: each run of this many kills starts on a fresh ledger (a new SQLite
  /// file, or a new tenant on PostgreSQL), so the full check after every restart (listing
  /// every trade on both paths) stays bounded however many iterations are asked for.
  static let killsPerLedger = 20

  @Test("SQLite: SIGKILL while recording, restart, every acknowledged trade on both paths exactly once",
        .timeLimit(.minutes(10)))
  func sqlite() async throws {
    let directory = LedgerServiceProcess.temporaryDirectory("crash-sqlite")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try await crashLoops(iterations: Self.iterations("SLIPSTREAM_CRASH_ITERATIONS", default: 200)) { ledger in
      (directory: directory, tenant: "crash", storageArguments: ["--sqlite-path", directory + "/ledger-\(ledger).sqlite"])
    }
  }

  @Test("PostgreSQL: the same, on SLIPSTREAM_TEST_POSTGRES_URL (a fresh tenant per ledger)",
        .enabled(if: ProcessInfo.processInfo.environment["SLIPSTREAM_TEST_POSTGRES_URL"] != nil),
        .timeLimit(.minutes(10)))
  func postgres() async throws {
    let url = try #require(ProcessInfo.processInfo.environment["SLIPSTREAM_TEST_POSTGRES_URL"])
    let directory = LedgerServiceProcess.temporaryDirectory("crash-postgres")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    // Tenants are isolated (trades and audit chain), so a fresh tenant is a fresh ledger in a
    // shared database.
    let run = UUID().uuidString.prefix(8).lowercased()
    try await crashLoops(iterations: Self.iterations("SLIPSTREAM_CRASH_ITERATIONS_POSTGRES", default: 50)) { ledger in
      (directory: directory, tenant: "crash-\(run)-\(ledger)", storageArguments: ["--postgres-url", url])
    }
  }

  /// Runs `iterations` kills, ``killsPerLedger`` per fresh ledger.
  private func crashLoops(
    iterations: Int, ledger: (Int) -> (directory: String, tenant: String, storageArguments: [String])
  ) async throws {
    var done = 0
    var index = 0
    while done < iterations {
      let kills = min(Self.killsPerLedger, iterations - done)
      let (directory, tenant, arguments) = ledger(index)
      try await crashLoop(iterations: kills, directory: directory, tenant: tenant, storageArguments: arguments)
      done += kills
      index += 1
    }
  }

  /// What the recording client knows: ids it sent, ids acknowledged.
  struct Attempts {
    var sent: [String] = []
    var acknowledged: Set<String> = []
  }

  /// One round's state, shared by its writers.
  final class Round: Sendable {
    let attempts = Mutex(Attempts())
    let killed = Mutex(false)
  }

  private func crashLoop(iterations: Int, directory: String, tenant: String, storageArguments: [String]) async throws {
    var sent: [String] = []  // every trade id ever sent, in order
    var acknowledged: Set<String> = []
    let environment = LedgerServiceProcess.tokens(tenant: tenant)
    for iteration in 0...iterations {
      let service = try LedgerServiceProcess(
        arguments: ["--port", "0", "--metrics-port", "off", "--log-level", "warning"] + storageArguments,
        directory: directory, environment: environment, stderrName: "stderr-\(iteration % 2).log")
      let port = try #require(await service.listeningPort(), "iteration \(iteration): \(service.errorOutput())")
      let channel = try LedgerServiceProcess.channel(port: port, directory: directory)
      let ledger = Slipstream_Ledger_V1_LedgerService.Client(RPCClient(transport: channel))

      // After the restart: retry every id that was sent but not acknowledged (safe: the
      // trade is recorded once whether or not the lost call had committed), then check.
      for id in sent where !acknowledged.contains(id) {
        let response = try await ledger.recordTrade(
          LedgerRequests.trade(id, user: Self.user(of: id)), metadata: LedgerRequests.bearer,
          options: CallOptions(timeout: .seconds(30)))
        #expect(response.trade.tradeID == id)
        acknowledged.insert(id)
      }
      if let acknowledgedBefore = acknowledged.first {
        // A retry of an acknowledged trade is a duplicate, not a second trade.
        let retry = try await ledger.recordTrade(
          LedgerRequests.trade(acknowledgedBefore, user: Self.user(of: acknowledgedBefore)), metadata: LedgerRequests.bearer)
        #expect(retry.duplicate, "iteration \(iteration): retry of \(acknowledgedBefore)")
      }
      try await verify(ledger, expected: sent, iteration: iteration)
      if iteration == iterations {
        await channel.close()
        service.process.terminate()
        #expect(await service.exitStatus() == 0)
        break
      }

      // Record concurrently and SIGKILL after k acknowledgements, k varying by iteration.
      let killAfter = 1 + (iteration * 7) % 23
      let round = Round()
      // When the process is gone, close the channel so no call waits on a dead connection.
      let exit = Task {
        let status = await service.exitStatus()
        await channel.close()
        return status
      }
      await withTaskGroup(of: Void.self) { group in
        for writer in 0..<Self.writers {
          group.addTask {
            var sequence = 0
            while true {
              let id = "i\(iteration)-w\(writer)-\(sequence)"
              sequence += 1
              round.attempts.withLock { $0.sent.append(id) }
              do {
                _ = try await ledger.recordTrade(
                  LedgerRequests.trade(id, user: Self.user(of: id)), metadata: LedgerRequests.bearer,
                  options: CallOptions(timeout: .seconds(30)))
              } catch {
                return  // the process is gone
              }
              let count = round.attempts.withLock { state -> Int in
                state.acknowledged.insert(id)
                return state.acknowledged.count
              }
              if count >= killAfter {
                let first = round.killed.withLock { done -> Bool in
                  defer { done = true }
                  return !done
                }
                if first { service.kill() }
              }
            }
          }
        }
      }
      let status = await exit.value
      #expect(status == SIGKILL, "iteration \(iteration): exit status \(String(describing: status))")
      let attempts = round.attempts.withLock { $0 }
      #expect(attempts.acknowledged.count >= killAfter)
      sent += attempts.sent
      acknowledged.formUnion(attempts.acknowledged)
    }
    #expect(acknowledged.count == Set(sent).count)
  }

  static func user(of id: String) -> String {
    users[id.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xffff } % users.count]
  }

  /// Both paths hold exactly the trades sent (all acknowledged by now, after the retries),
  /// once each, and the audit chain holds.
  private func verify(_ ledger: Slipstream_Ledger_V1_LedgerService.Client, expected: [String], iteration: Int) async throws {
    let tenantIDs = try await LedgerRequests.tenantTradeIDs(ledger)
    #expect(tenantIDs.count == expected.count, "iteration \(iteration): tenant path has \(tenantIDs.count) trades, expected \(expected.count)")
    #expect(Set(tenantIDs) == Set(expected), "iteration \(iteration): tenant path")
    var userIDs: [String] = []
    for user in Self.users {
      let ids = try await LedgerRequests.userTradeIDs(ledger, user: user)
      #expect(ids.allSatisfy { Self.user(of: $0) == user }, "iteration \(iteration): \(user) lists another user's trade")
      userIDs += ids
    }
    #expect(userIDs.count == expected.count, "iteration \(iteration): user paths have \(userIDs.count) trades, expected \(expected.count)")
    #expect(Set(userIDs) == Set(expected), "iteration \(iteration): user paths")
    let audit = try await ledger.verifyAudit(.init(), metadata: LedgerRequests.bearer, options: CallOptions(timeout: .seconds(30)))
    #expect(audit.intact && !audit.hasFirstBrokenLink, "iteration \(iteration): audit \(audit)")
    #expect(audit.entriesChecked == UInt64(expected.count), "iteration \(iteration): audit checked \(audit.entriesChecked)")
  }
}
