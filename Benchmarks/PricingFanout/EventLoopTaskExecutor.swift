import NIOCore

/// Runs Swift tasks on one NIO event loop, so the subscribers' tasks (decoding and counting
/// messages) run on the clients' event-loop thread instead of the shared concurrency pool
/// where the server's stream handlers run; that keeps client and server CPU apart.
final class EventLoopTaskExecutor: TaskExecutor {
  let eventLoop: any EventLoop

  init(eventLoop: any EventLoop) {
    self.eventLoop = eventLoop
  }

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
  }
}
