import Foundation
import ServiceLifecycle
import SlipstreamAPI
import SlipstreamRPC
import SlipstreamServiceRuntime
import Synchronization
import Testing

/// Set in the child process the SIGTERM test starts (this test binary, filtered to
/// ``SignalShutdownTests/childServiceRunsUntilSignalled()``).
private let childMarker = "SLIPSTREAM_RUNTIME_SIGNAL_CHILD"
private let isChild = ProcessInfo.processInfo.environment[childMarker] == "1"

/// Fails when standard input closes, which shuts the child down if the test that started
/// it dies; ends quietly at graceful shutdown.
struct StandardInputWatchdog: Service {
  struct ParentGone: Error {}

  func run() async throws {
    let closed = Signal()
    Thread {
      _ = FileHandle.standardInput.readDataToEndOfFile()
      closed.fire()
    }.start()
    await withGracefulShutdownHandler {
      await closed.wait()
    } onGracefulShutdown: {
      closed.fire()
    }
    if !Task.isShuttingDownGracefully { throw ParentGone() }
  }
}

@Suite("Lifecycle: SIGTERM in a real process")
struct SignalShutdownTests {
  /// The service process: the real `run` with SIGTERM/SIGINT handling, process-wide
  /// logging and metrics bootstrap, JSON logs on stderr, the announcement on stdout.
  @Test(.enabled(if: isChild, "runs only as the child of sigtermDrainsAndExitsZero"))
  func childServiceRunsUntilSignalled() async throws {
    let configuration = try ConfigurationFixture().load([
      "--plaintext", "--port", "0", "--metrics-port", "0", "--log-format", "json",
    ])
    let runtime = try ServiceRuntime(configuration: configuration)
    try await runtime.run(services: [RuntimeTestService()], background: [StandardInputWatchdog()])
  }

  @Test(.enabled(if: !isChild && FileManager.default.fileExists(atPath: "/proc/self/exe"), "needs Linux /proc"))
  func sigtermDrainsAndExitsZero() async throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
    process.arguments = ["--testing-library", "swift-testing", "--filter", "childServiceRunsUntilSignalled"]
    process.environment = ProcessInfo.processInfo.environment.merging([childMarker: "1"]) { _, new in new }
    let (input, output, errors) = (Pipe(), Pipe(), Pipe())
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let pid = process.processIdentifier
    // A failure guard only: a child that never announces is killed so the reads end.
    let guardTask = Task {
      try await Task.sleep(for: .seconds(60))
      kill(pid, SIGKILL)
    }
    defer { guardTask.cancel() }

    let stdout = output.fileHandleForReading
    let announcement = await offCooperativePool { () -> String? in
      var text = ""
      while true {
        let chunk = stdout.availableData
        if chunk.isEmpty { return nil }
        text += String(decoding: chunk, as: UTF8.self)
        if let line = text.split(separator: "\n").first(where: { $0.contains("test-service listening on ") }) {
          return String(line)
        }
      }
    }
    let line = try #require(announcement)
    let port = try #require(line.firstMatch(of: /listening on 127\.0\.0\.1:(\d+) \(plaintext h2c\) metrics on http:\/\/127\.0\.0\.1:\d+\/metrics/).flatMap { Int($0.1) })

    // Watch health, send SIGTERM once SERVING is seen, and expect NOT_SERVING.
    let statuses = try await withClient(port: port) { rpc in
      try await Grpc_Health_V1_Health.Client(rpc).watch(Grpc_Health_V1_HealthCheckRequest()) { response in
        var statuses: [HealthStatusStore.Status] = []
        for try await update in response.messages {
          statuses.append(update.status)
          if update.status == .serving { kill(pid, SIGTERM) }
          if update.status == .notServing { break }
        }
        return statuses
      }
    }
    #expect(statuses == [.serving, .notServing])

    let (status, reason) = await offCooperativePool {
      process.waitUntilExit()
      return (process.terminationStatus, process.terminationReason)
    }
    #expect(reason == .exit)
    #expect(status == 0)
    let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(stderr.contains(#""level":"info","service":"test-service","logger":"test-service","message":"stopped""#))
  }
}

/// Runs a blocking call on a thread of its own, off Swift's cooperative pool (two threads
/// here: a blocked read there stalls every other test).
func offCooperativePool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
  await withCheckedContinuation { continuation in
    Thread { continuation.resume(returning: body()) }.start()
  }
}
