import Foundation
import SlipstreamAPI
import SlipstreamRPC
import SlipstreamTestSupport
import SlipstreamTransport
import Testing

/// `services/run-platform.sh`, the README's run command: every service as its own process on
/// its embedded defaults, stopped together.
@Suite("services/run-platform.sh", .timeLimit(.minutes(1)))
struct RunPlatformScriptTests {
  /// The repository's copy of the script (this file is Tests/LedgerServiceTests/Process/…).
  static let script = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("services/run-platform.sh").path
  /// Where `swift build --build-tests` put the service executables.
  static let binPath = URL(fileURLWithPath: ChildProcess.builtProduct("ledger-service")).deletingLastPathComponent().path
  static let services = ["pricing-service", "ledger-service"]
  /// Execs argv[1:] with an empty signal mask.
  static let unblockedExec =
    "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])"

  /// Starts the script on the already-built executables, with every service's state (dev
  /// certificates, the SQLite ledger) in `directory` and ephemeral ports.
  static func start(directory: String, environment: [String: String] = [:]) throws -> ChildProcess {
    let inherited = ProcessInfo.processInfo.environment.filter { variable, _ in
      !["SERVER__", "LEDGER__", "PRICING__", "GLIBC_TUNABLES"].contains { variable.hasPrefix($0) }
    }
    let settings = [
      "SERVER__PORT": "0", "SERVER__METRICS_PORT": "off", "SERVER__LOG_FORMAT": "json",
      "SERVER__STATE_DIR": directory + "/state",
    ]
    // Started through python3 (exec, same pid) with no signal blocked: the test's threads
    // block SIGTERM and a child inherits that mask, so bash would never see the signal,
    // unlike a script started from a terminal, systemd or a container runtime.
    return try ChildProcess(
      executable: "/usr/bin/env",
      arguments: ["python3", "-c", Self.unblockedExec, script, "--bin-path", binPath],
      environment: inherited.merging(settings) { _, new in new }.merging(environment) { _, new in new },
      directory: directory)
  }

  /// Processes other than `script` still running whose environment names `stateDirectory`
  /// (the services the script started, and only those: every test has its own directory).
  static func processesUsing(_ stateDirectory: String, besides script: ChildProcess) -> [Int32] {
    let variable = "SERVER__STATE_DIR=\(stateDirectory)"
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap(Int32.init).filter { pid in
      pid != script.process.processIdentifier && environment(of: pid).contains(variable)
    }
  }

  /// A process's environment as `NAME=value` entries; empty once it is gone.
  static func environment(of pid: Int32) -> [String] {
    guard let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return [] }
    return environment.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
  }

  /// Without GLIBC_TUNABLES the script gives its malloc setting to pricing-service alone; a
  /// value the user set reaches every service unchanged.
  @Test("starts every service on mutual TLS, each serves health, and SIGTERM stops them all cleanly",
        arguments: [nil, "glibc.malloc.tcache_count=64"])
  func startsAndStopsEveryService(userTunables: String?) async throws {
    let directory = LedgerServiceProcess.temporaryDirectory("platform")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let platform = try Self.start(directory: directory, environment: userTunables.map { ["GLIBC_TUNABLES": $0] } ?? [:])

    var ports: [String: Int] = [:]
    for await line in platform.stdoutLines {
      if let match = line.firstMatch(of: /^([a-z-]+) listening on 127\.0\.0\.1:(\d+) \(TLS, mutual; dev certificates in .*\) metrics off$/) {
        ports[String(match.1)] = Int(match.2)
      }
      if ports.count == Self.services.count { break }
    }
    #expect(Set(ports.keys) == Set(Self.services), "output: \(platform.transcript)")

    // Both services share one development CA: one client certificate reaches both.
    let pki = directory + "/state/dev-pki/"
    for (service, port) in ports.sorted(by: { $0.key < $1.key }) {
      let channel = try GRPCChannel(configuration: .init(
        endpoints: [Endpoint(host: "127.0.0.1", port: port)],
        security: .tls(
          .client(trustRoots: .file(pki + "ca.crt"), certificate: .file(pki + "client.crt"), privateKey: .file(pki + "client.key")),
          serverHostname: nil)))
      let status = try await Grpc_Health_V1_Health.Client(RPCClient(transport: channel)).check(.init()).status
      #expect(status == .serving, "\(service)")
      await channel.close()
    }
    let running = Self.processesUsing(directory + "/state", besides: platform)
    #expect(running.count == Self.services.count)
    var seen: [String: String] = [:]
    for pid in running {
      let command = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline").map { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) } ?? ""
      seen[URL(fileURLWithPath: command).lastPathComponent] = Self.environment(of: pid).first { $0.hasPrefix("GLIBC_TUNABLES=") } ?? "(unset)"
    }
    if let userTunables {
      #expect(seen == ["pricing-service": "GLIBC_TUNABLES=\(userTunables)", "ledger-service": "GLIBC_TUNABLES=\(userTunables)"])
    } else {
      #expect(seen == ["pricing-service": "GLIBC_TUNABLES=glibc.malloc.tcache_count=1024", "ledger-service": "(unset)"])
    }

    platform.process.terminate()  // SIGTERM to the script alone; it passes it on
    #expect(await platform.exitStatus() == 0)
    let log = platform.errorOutput()
    for service in Self.services {
      #expect(log.contains("\"service\":\"\(service)\",\"logger\":\"\(service)\",\"message\":\"stopped\""), "stderr: \(log)")
    }
    #expect(Self.processesUsing(directory + "/state", besides: platform).isEmpty)
  }

  @Test("a service that cannot start stops the others; the script exits non-zero and says why")
  func oneServiceFailingStopsTheRest() async throws {
    let directory = LedgerServiceProcess.temporaryDirectory("platform-failing")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let platform = try Self.start(directory: directory, environment: ["LEDGER__STORAGE": "flatfile"])

    let status = await platform.exitStatus()
    #expect(status != nil && status != 0)
    let log = platform.errorOutput()
    #expect(log.contains("ledger.storage"), "stderr: \(log)")
    #expect(log.contains("run-platform.sh: a service stopped (status \(status ?? -1)); stopped the others"), "stderr: \(log)")
    // The script returns only after every service it started has exited.
    #expect(Self.processesUsing(directory + "/state", besides: platform).isEmpty)
  }

  @Test("an unknown option, --bin-path without a directory or a missing executable is refused before anything starts")
  func refusesBadInvocations() async throws {
    let unknown = try ChildProcess(executable: Self.script, arguments: ["--fast"])
    #expect(await unknown.exitStatus() == 2)
    #expect(unknown.errorOutput().contains("run-platform.sh: unknown option '--fast'"))

    let missing = try ChildProcess(executable: Self.script, arguments: ["--bin-path", "/nonexistent"])
    #expect(await missing.exitStatus() == 2)
    #expect(missing.errorOutput().contains("/nonexistent/pricing-service is not an executable"))

    let noDirectory = try ChildProcess(executable: Self.script, arguments: ["--bin-path"])
    #expect(await noDirectory.exitStatus() == 2)
    #expect(noDirectory.errorOutput().contains("run-platform.sh: --bin-path needs a directory"))
  }
}
