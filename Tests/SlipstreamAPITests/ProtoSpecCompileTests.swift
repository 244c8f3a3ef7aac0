import Foundation
import Testing

/// proto-spec/ must compile with Debian's protoc and with grpcio-tools' protoc, warning-free.
@Suite("proto-spec compiles cleanly", .timeLimit(.minutes(1)))
struct ProtoSpecCompileTests {
  @Test("proto-spec holds every service and the shared types")
  func everyFileIsPresent() throws {
    #expect(
      try ProtoSpec.protoFiles() == [
        "grpc/health/v1/health.proto",
        "grpc/testing/empty.proto",
        "grpc/testing/messages.proto",
        "grpc/testing/test.proto",
        "slipstream/broker/v1/broker.proto",
        "slipstream/ledger/v1/ledger.proto",
        "slipstream/orchestrator/v1/orchestrator.proto",
        "slipstream/pricing/v1/pricing.proto",
        "slipstream/router/v1/router.proto",
        "slipstream/types/v1/types.proto",
      ]
    )
  }

  @Test("protoc compiles every file with empty stderr")
  func protocCompilesEveryFile() async throws {
    let protoc = try ExternalTool.locate("protoc", install: ProtoSpec.protocInstallHint)
    try await withScratchDirectory { scratch in
      let run = try await ExternalTool.run(
        protoc,
        [
          "--proto_path=\(ProtoSpec.directory.path)",
          "--include_imports",
          "--descriptor_set_out=\(scratch.appendingPathComponent("spec.pb").path)",
        ] + ProtoSpec.protoFiles()
      )
      #expect(run.status == 0, "\(run.transcript)")
      #expect(run.standardError.isEmpty, "protoc warned:\n\(run.transcript)")
    }
  }

  @Test("grpc_tools.protoc generates Python messages and stubs with empty stderr")
  func grpcToolsCompilesEveryFile() async throws {
    let python = try ExternalTool.locate("python3", install: ProtoSpec.pythonInstallHint)
    try await withScratchDirectory { scratch in
      let run = try await ExternalTool.run(
        python,
        [
          "-m", "grpc_tools.protoc",
          "--proto_path=\(ProtoSpec.directory.path)",
          "--python_out=\(scratch.path)",
          "--grpc_python_out=\(scratch.path)",
        ] + ProtoSpec.protoFiles()
      )
      #expect(run.status == 0, "grpcio-tools missing or protoc failed:\n\(run.transcript)")
      #expect(run.standardError.isEmpty, "grpc_tools.protoc warned:\n\(run.transcript)")
      let stub = scratch.appendingPathComponent("slipstream/pricing/v1/pricing_pb2_grpc.py")
      #expect(FileManager.default.fileExists(atPath: stub.path))
    }
  }

  @Test("a missing tool is reported with what to install")
  func missingToolIsReported() throws {
    #expect {
      _ = try ExternalTool.locate("slipstream-no-such-tool", install: "nothing")
    } throws: { error in
      let error = try #require(error as? ExternalToolError)
      return error.tool == "slipstream-no-such-tool"
        && error.description == "slipstream-no-such-tool not found on PATH; install it: nothing"
    }
  }
}

/// Runs `body` with a fresh temporary directory that is removed afterwards.
func withScratchDirectory(_ body: (URL) async throws -> Void) async throws {
  let scratch = FileManager.default.temporaryDirectory
    .appendingPathComponent("slipstream-api-tests-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: scratch) }
  try await body(scratch)
}
