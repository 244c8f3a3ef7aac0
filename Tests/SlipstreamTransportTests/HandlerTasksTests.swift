import NIOCore
import NIOPosix
@testable import SlipstreamRPC
@testable import SlipstreamTransport
import SlipstreamWire
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(1)))
struct HandlerTasksTests {
  @Test func aTaskWhoseCallIsOverRunsTheNextCall() async throws {
    let fixture = Fixture(maximumIdle: 4)
    let first = await fixture.run("a", untilIdle: 1)
    let second = await fixture.run("b", untilIdle: 2)

    #expect(first.status?.code == .ok && second.status?.code == .ok)
    #expect(first.report.task == second.report.task)
    #expect(second.report.cancelled == false)
    #expect(fixture.tasks.idleCount == 1)
  }

  @Test func anIdleTaskKeepsNothingOfItsLastCall() async throws {
    let fixture = Fixture(maximumIdle: 4)
    // The first call of a new task, then a call on the reused task.
    for count in 1...2 {
      let (finished, responder) = fixture.startWatched("a")
      await finished.wait()
      await fixture.idle.wait(for: count)
      #expect(responder.value == nil, "call \(count)'s responder is still referenced")
    }
  }

  @Test func aReusedTaskKeepsRunningHandlersOnItsEventLoop() async throws {
    let loop = MultiThreadedEventLoopGroup.singleton.next()
    let fixture = Fixture(maximumIdle: 4, executor: EventLoopTaskExecutor(eventLoop: loop), loop: loop)
    for (index, name) in ["a", "b", "c"].enumerated() {
      let call = await fixture.run(name, untilIdle: index + 1)
      #expect(call.report.onLoop == true)
    }
    #expect(fixture.tasks.idleCount == 1)
  }

  @Test func cancellingARunningCallCancelsItsHandlerAndItsTaskThenEnds() async throws {
    let fixture = Fixture(maximumIdle: 4)
    let hung = fixture.start("hang")
    await fixture.service.hangStarted.wait()
    fixture.tasks.cancel(hung.ticket)
    await hung.finished.wait()
    await fixture.ended.wait(for: 1)

    #expect(hung.status?.code == .cancelled)
    #expect(fixture.tasks.idleCount == 0)
    // The next call gets a new task, not cancelled.
    let next = fixture.start("b")
    await next.finished.wait()
    #expect(next.status?.code == .ok)
    #expect(next.report.cancelled == false)
    // (Task identities are addresses: the new task may well reuse the ended one's memory.)
    await fixture.idle.wait(for: 1)
    #expect(fixture.tasks.idleCount == 1)
  }

  @Test func cancellingAFinishedCallLeavesTheCallItsTaskRunsNowAlone() async throws {
    let fixture = Fixture(maximumIdle: 4)
    let first = await fixture.run("a", untilIdle: 1)
    let gated = fixture.start("gate")
    await fixture.service.gateEntered.wait()

    fixture.tasks.cancel(first.ticket)
    fixture.service.gateOpen.fire()
    await gated.finished.wait()

    #expect(gated.report.task == first.report.task)
    #expect(gated.report.cancelled == false)
    #expect(gated.status?.code == .ok)
    await fixture.idle.wait(for: 2)
    #expect(fixture.tasks.idleCount == 1)
  }

  @Test func atMostTheMaximumWaitAndShuttingDownEndsThem() async throws {
    let fixture = Fixture(maximumIdle: 2)
    let calls = (0..<3).map { _ in fixture.start("gate") }
    await fixture.service.gateEntered.wait()
    await fixture.service.gatesEntered.wait(for: 3)
    fixture.service.gateOpen.fire()
    for call in calls { await call.finished.wait() }
    await fixture.idle.wait(for: 2)
    await fixture.ended.wait(for: 1)
    #expect(fixture.tasks.idleCount == 2)
    #expect(Set(calls.map(\.report.task)).count == 3)

    fixture.tasks.shutDown()
    await fixture.ended.wait(for: 3)
    #expect(fixture.tasks.idleCount == 0)
    // A call after the shutdown still runs, on a task that then ends.
    let late = fixture.start("late")
    await late.finished.wait()
    #expect(late.status?.code == .ok)
    await fixture.ended.wait(for: 4)
    #expect(fixture.tasks.idleCount == 0)
  }
}

/// A pool of handler tasks over a small service, and calls made by hand.
private struct Fixture {
  let service = Service()
  let idle = CountSignal()
  let ended = CountSignal()
  let tasks: HandlerTasks

  init(maximumIdle: Int, executor: (any TaskExecutor)? = nil, loop: (any EventLoop)? = nil) {
    let (idle, ended) = (idle, ended)
    service.loop = loop
    tasks = HandlerTasks(
      server: RPCServer(services: [service]),
      executor: executor,
      maximumIdle: maximumIdle,
      observer: { event in
        switch event {
        case .idle: idle.increment()
        case .ended: ended.increment()
        }
      }
    )
  }

  /// Starts a call of `Service.method` with `request` ("hang", "gate" or anything else).
  func start(_ request: String) -> Call {
    let requests = RPCStreamBuffer<[UInt8]>(highWatermark: 1 << 16, lowWatermark: 1 << 15)
    requests.yield(Array(request.utf8), cost: request.utf8.count)
    requests.finish()
    let responder = Responder()
    let call = ServerCall(
      path: Service.method.path,
      metadata: [:],
      deadline: nil,
      peer: PeerInfo(address: "test"),
      requests: requests,
      responder: responder,
      transportEnforcesDeadline: true
    )
    return Call(ticket: tasks.start(call), responder: responder)
  }

  /// Starts a call and keeps only a weak reference to its responder.
  func startWatched(_ request: String) -> (finished: Signal, responder: WeakBox<Responder>) {
    let call = start(request)
    return (call.finished, WeakBox(call.responder))
  }

  /// Starts a call and returns once it finished and `count` tasks in all went idle.
  func run(_ request: String, untilIdle count: Int) async -> Call {
    let call = start(request)
    await call.finished.wait()
    await idle.wait(for: count)
    return call
  }

  struct Call {
    let ticket: HandlerTasks.Ticket
    let responder: Responder
    var finished: Signal { responder.finished }
    var status: Status? { responder.result.withLock { $0?.status } }
    /// What the handler saw, from its response.
    var report: Report {
      let text = responder.result.withLock { $0?.message }.map { String(decoding: $0, as: UTF8.self) } ?? ""
      let parts = text.split(separator: " ").map(String.init)
      return Report(task: parts.first ?? "", cancelled: parts.dropFirst().first == "cancelled", onLoop: parts.last == "loop")
    }
  }

  struct Report {
    let task: String
    let cancelled: Bool
    let onLoop: Bool
  }
}

/// One unary method; its response names the task that ran it, whether that task was
/// cancelled and whether it ran on the fixture's loop. "hang" waits until cancelled,
/// "gate" until `gateOpen` fires.
private final class Service: RPCService, @unchecked Sendable {
  static let method = MethodDescriptor(service: "test.HandlerTasks", method: "Run")
  let hangStarted = Signal()
  let gateEntered = Signal()
  let gatesEntered = CountSignal()
  let gateOpen = Signal()
  /// Set before the first call.
  var loop: (any EventLoop)?

  func registerMethods(with router: inout RPCRouter) {
    router.registerUnary(Self.method, deserializer: StringCodec(), serializer: StringCodec()) { request, _ in
      switch request {
      case "hang":
        self.hangStarted.fire()
        let cancelled = Signal()
        await withTaskCancellationHandler {
          await cancelled.wait()
        } onCancel: {
          cancelled.fire()
        }
      case "gate":
        self.gateEntered.fire()
        self.gatesEntered.increment()
        await self.gateOpen.wait()
      default: break
      }
      let task = withUnsafeCurrentTask { "\($0?.hashValue ?? 0)" }
      let cancelled = Task.isCancelled ? "cancelled" : "running"
      let onLoop = self.loop?.inEventLoop == true ? "loop" : "elsewhere"
      if request == "hang" { throw RPCError(code: .cancelled, message: "\(task) \(cancelled)") }
      return "\(task) \(cancelled) \(onLoop)"
    }
  }
}

/// Keeps what the call ended with.
final class Responder: ServerCallResponder {
  let finished = Signal()
  let result = Mutex<(status: Status, message: [UInt8]?)?>(nil)

  func write(_ payload: [UInt8], headers: Metadata?) async throws {}
  func sendHeaders(_ headers: Metadata) async throws {}
  func finish(headers: Metadata?, lastMessage: [UInt8]?, status: Status, trailers: Metadata) {
    result.withLock { $0 = (status, lastMessage ?? Array(status.message.utf8)) }
    finished.fire()
  }
}

final class WeakBox<Object: AnyObject>: @unchecked Sendable {
  weak var value: Object?
  init(_ value: Object) { self.value = value }
}
