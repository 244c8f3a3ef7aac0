public import NIOCore
import Synchronization

/// A task executor that runs jobs on one SwiftNIO event loop.
///
/// A call's handler task that prefers it runs on the thread that reads and writes the call's
/// connection: the request reaches the handler and the response reaches the socket without a
/// thread switch (a job enqueued from the loop's own thread costs no wake-up). Clients can
/// use it the same way, e.g. `Task(executorPreference: channel.executor)`.
///
/// Jobs are queued here and run in batches: the first job queued since the loop last ran the
/// queue schedules one loop task (a closure holding only this executor, so no allocation),
/// which runs every job queued until then, in order.
public final class EventLoopTaskExecutor: TaskExecutor {
  /// The loop the jobs run on.
  public let eventLoop: any EventLoop

  private struct Queue {
    var jobs: [UnownedJob] = []
    /// An emptied array whose storage the next batch reuses.
    var spare: [UnownedJob] = []
    var scheduled = false
  }

  private let queue = Mutex(Queue())

  /// Creates an executor for `eventLoop`.
  public init(eventLoop: any EventLoop) {
    self.eventLoop = eventLoop
  }

  public func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    let schedule = queue.withLock { queue in
      queue.jobs.append(job)
      defer { queue.scheduled = true }
      return !queue.scheduled
    }
    if schedule { eventLoop.execute { self.runQueuedJobs() } }
  }

  /// On the loop: runs every job queued so far; jobs they queue run in the next batch.
  private func runQueuedJobs() {
    var batch = queue.withLock { queue in
      var batch: [UnownedJob] = []
      swap(&batch, &queue.spare)
      swap(&batch, &queue.jobs)
      queue.scheduled = false
      return batch
    }
    let executor = asUnownedTaskExecutor()
    for job in batch { job.runSynchronously(on: executor) }
    batch.removeAll(keepingCapacity: true)
    queue.withLock { queue in
      if queue.spare.capacity < batch.capacity { swap(&queue.spare, &batch) }
    }
  }
}
