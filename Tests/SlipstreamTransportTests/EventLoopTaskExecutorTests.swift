import NIOCore
import NIOPosix
import SlipstreamTransport
import Synchronization
import Testing

@Suite("EventLoopTaskExecutor")
struct EventLoopTaskExecutorTests {
  @Test("jobs run on the loop in the order they were queued, whether queued on the loop or from other threads")
  func runsJobsOnTheLoopInOrder() async throws {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let executor = EventLoopTaskExecutor(eventLoop: group.next())
    let log = RunLog()

    // Queued from the loop itself (a task already running there starts the others).
    let fromLoop = await Task(executorPreference: executor) { () -> [Task<Void, Never>] in
      (0..<500).map { index in
        Task(executorPreference: executor) {
          log.record(index, onLoop: executor.eventLoop.inEventLoop)
        }
      }
    }.value
    for task in fromLoop { await task.value }
    #expect(log.takeRan() == Array(0..<500))

    // Queued from this (pool) thread: still in order, all on the loop.
    let fromPool = (0..<500).map { index in
      Task(executorPreference: executor) {
        log.record(index, onLoop: executor.eventLoop.inEventLoop)
      }
    }
    for task in fromPool { await task.value }
    #expect(log.takeRan() == Array(0..<500))
    #expect(log.offLoop.withLock { $0 } == 0)

    // A task that suspends and resumes many times keeps coming back to the loop.
    let resumedOffLoop = await Task(executorPreference: executor) { () -> Int in
      var off = 0
      for _ in 0..<200 {
        await Task.yield()
        if !executor.eventLoop.inEventLoop { off += 1 }
      }
      return off
    }.value
    #expect(resumedOffLoop == 0)
    try await group.shutdownGracefully()
  }
}

private final class RunLog: Sendable {
  let ran = Mutex<[Int]>([])
  let offLoop = Mutex(0)

  func record(_ index: Int, onLoop: Bool) {
    if !onLoop { offLoop.withLock { $0 += 1 } }
    ran.withLock { $0.append(index) }
  }

  func takeRan() -> [Int] {
    ran.withLock { ran in
      defer { ran = [] }
      return ran
    }
  }
}
