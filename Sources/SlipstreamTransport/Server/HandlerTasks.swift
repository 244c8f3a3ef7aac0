import SlipstreamRPC
import Synchronization

/// Runs calls' handlers on tasks that are kept and reused instead of one new task per call.
///
/// A new Swift task costs two `malloc`s (the task and the first slab of its frame allocator,
/// ~1 KiB) and their `free`s; with hundreds of calls in flight the freed slabs overflow
/// glibc's small per-thread cache and every call pays malloc's slow paths. A task here runs
/// one call, then waits (suspended, holding its slab) for the next; a call finds an idle task
/// or starts a new one. At most `maximumIdle` tasks wait; the rest end when their call does.
///
/// Cancelling a call cancels the task running it, and a cancelled task never takes another
/// call (cancellation cannot be undone): it ends after that call and a new task replaces it
/// when one is needed. A task whose call is over is never cancelled on that call's behalf.
///
/// Thread-safe; ``shutDown()`` ends the idle tasks and makes every task end after its call.
final class HandlerTasks: Sendable {
  /// A started call, for ``cancel(_:)``.
  struct Ticket {
    fileprivate let worker: Worker
    fileprivate let call: UInt64
  }

  /// One reusable task. Its fields are guarded by the pool's lock.
  fileprivate final class Worker: @unchecked Sendable {
    var task: Task<Void, Never>?
    /// A new task's first call, until it takes it.
    var first: ServerCall?
    /// Set while idle: resumed with the next call, or nil to end.
    var next: UnsafeContinuation<ServerCall?, Never>?
    /// The number of the call it runs; 0 between calls.
    var call: UInt64 = 0
    /// Cancelled for a call: ends after it.
    var cancelled = false
  }

  private struct State {
    var idle: [Worker] = []
    var calls: UInt64 = 0
    var shutDown = false
  }

  /// What a task did after its call (for tests).
  enum Event: Sendable {
    /// It waits for the next call.
    case idle
    /// It ended.
    case ended
  }

  private let server: RPCServer
  private let executor: (any TaskExecutor)?
  private let maximumIdle: Int
  private let observer: (@Sendable (Event) -> Void)?
  private let state = Mutex(State())

  /// - Parameters:
  ///   - server: Whose `handle(_:)` runs the calls.
  ///   - executor: Where the tasks run; nil: the global concurrent executor.
  ///   - maximumIdle: How many tasks may wait for a call.
  ///   - observer: Told what each task did after its call, once it did it (for tests).
  init(
    server: RPCServer,
    executor: (any TaskExecutor)?,
    maximumIdle: Int,
    observer: (@Sendable (Event) -> Void)? = nil
  ) {
    self.server = server
    self.executor = executor
    self.maximumIdle = maximumIdle
    self.observer = observer
  }

  /// How many tasks wait for a call.
  var idleCount: Int { state.withLock { $0.idle.count } }

  /// Runs `call` on an idle task, or on a new one.
  func start(_ call: ServerCall) -> Ticket {
    let (ticket, idle) = state.withLock { state -> (Ticket, UnsafeContinuation<ServerCall?, Never>?) in
      state.calls += 1
      if let worker = state.idle.popLast() {
        worker.call = state.calls
        defer { worker.next = nil }
        return (Ticket(worker: worker, call: state.calls), worker.next)
      }
      let worker = Worker()
      worker.call = state.calls
      worker.first = call
      // Made under the lock, so a `cancel` for this call finds the task.
      worker.task = spawn(worker)
      return (Ticket(worker: worker, call: state.calls), nil)
    }
    idle?.resume(returning: call)
    return ticket
  }

  /// Cancels the task running the ticket's call, if the call is still running.
  func cancel(_ ticket: Ticket) {
    let task = state.withLock { _ -> Task<Void, Never>? in
      guard ticket.worker.call == ticket.call else { return nil }
      ticket.worker.cancelled = true
      return ticket.worker.task
    }
    task?.cancel()
  }

  /// Ends the idle tasks; running ones end after their call.
  func shutDown() {
    let waiting = state.withLock { state in
      state.shutDown = true
      defer { state.idle = [] }
      // Taken out under the lock, as everywhere else: the worker's fields are the lock's.
      return state.idle.compactMap { worker in
        defer { (worker.next, worker.task) = (nil, nil) }
        return worker.next
      }
    }
    for continuation in waiting { continuation.resume(returning: nil) }
  }

  /// A task for `worker`. Its closure holds only the worker, which hands the first call
  /// over: a call captured by the closure would stay referenced as long as the task lives.
  private func spawn(_ worker: Worker) -> Task<Void, Never> {
    if let executor {
      Task(executorPreference: executor) { await self.work(worker) }
    } else {
      Task { await self.work(worker) }
    }
  }

  /// Runs the worker's calls. No call is referenced while the task waits for the next: each
  /// is moved out of `next` into ``run(_:)``, which consumes it, so an idle task keeps
  /// nothing of a finished call (its buffers, its responder, its connection).
  private func work(_ worker: Worker) async {
    var next = state.withLock { _ in worker.first.take() }
    while next != nil {
      await run(next.take()!)
      next = await nextCall(for: worker)
    }
    observer?(.ended)
  }

  private func run(_ call: consuming ServerCall) async {
    await server.handle(call)
  }

  /// Waits for the worker's next call; nil when it is to end.
  private func nextCall(for worker: Worker) async -> ServerCall? {
    let cancelled = Task.isCancelled
    return await withUnsafeContinuation { continuation in
      let end = state.withLock { state -> Bool in
        worker.call = 0
        if cancelled || worker.cancelled || state.shutDown || state.idle.count >= maximumIdle {
          worker.task = nil
          return true
        }
        worker.next = continuation
        state.idle.append(worker)
        return false
      }
      if end {
        continuation.resume(returning: nil)
      } else {
        observer?(.idle)
      }
    }
  }
}
