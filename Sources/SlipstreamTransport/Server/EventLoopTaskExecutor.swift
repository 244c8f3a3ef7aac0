public import NIOCore

/// A task executor that runs jobs on one SwiftNIO event loop.
///
/// A call's handler task that prefers it runs on the thread that reads and writes the call's
/// connection: the request reaches the handler and the response reaches the socket without a
/// thread switch (a job enqueued from the loop's own thread costs no wake-up). Clients can
/// use it the same way, e.g. `Task(executorPreference: EventLoopTaskExecutor(eventLoop: loop))`.
public final class EventLoopTaskExecutor: TaskExecutor {
  /// The loop the jobs run on.
  public let eventLoop: any EventLoop

  /// Creates an executor for `eventLoop`.
  public init(eventLoop: any EventLoop) {
    self.eventLoop = eventLoop
  }

  public func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    let executor = asUnownedTaskExecutor()
    eventLoop.execute { job.runSynchronously(on: executor) }
  }
}
