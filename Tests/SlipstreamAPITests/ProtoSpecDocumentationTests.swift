import Foundation
import SwiftProtobuf
import Testing

/// proto-spec/ is the contract for every service and client: every service, method, message,
/// field, oneof, enum and enum value carries a comment, and the Slipstream packages keep the
/// conventions of types.proto (no floating point, `_UNSPECIFIED = 0` first).
@Suite("proto-spec is documented and follows its conventions", .timeLimit(.minutes(1)))
struct ProtoSpecDocumentationTests {
  @Test("every declaration in proto-spec has a comment")
  func everyDeclarationIsCommented() async throws {
    let files = try await Self.descriptors()
    let undocumented = files.flatMap(Self.undocumented(in:))
    #expect(undocumented.isEmpty, "declarations without a comment:\n\(undocumented.joined(separator: "\n"))")
  }

  @Test("Slipstream messages use no floating point and every enum starts with _UNSPECIFIED = 0")
  func slipstreamConventions() async throws {
    var violations: [String] = []
    func checkEnum(_ value: Google_Protobuf_EnumDescriptorProto, _ scope: String) {
      let first = value.value.first
      if first?.number != 0 || first?.name.hasSuffix("_UNSPECIFIED") != true {
        violations.append("\(scope)\(value.name) does not start with *_UNSPECIFIED = 0")
      }
    }
    func checkMessage(_ message: Google_Protobuf_DescriptorProto, _ scope: String) {
      for field in message.field where field.type == .double || field.type == .float {
        violations.append("\(scope)\(message.name).\(field.name) is floating point; use Decimal")
      }
      message.nestedType.forEach { checkMessage($0, "\(scope)\(message.name).") }
      message.enumType.forEach { checkEnum($0, "\(scope)\(message.name).") }
    }
    let files = try await Self.descriptors().filter { $0.package.hasPrefix("slipstream.") }
    #expect(files.count == 6)
    for file in files {
      file.messageType.forEach { checkMessage($0, "\(file.package).") }
      file.enumType.forEach { checkEnum($0, "\(file.package).") }
    }
    #expect(violations.isEmpty, "\(violations.joined(separator: "\n"))")
  }

  /// Methods that change nothing and so need no `RequestIdentity` (market data and reads
  /// scoped by an explicit tenant id).
  static let readOnlyMethods: Set<String> = [
    "PricingService.GetQuote", "PricingService.GetQuotes", "PricingService.ListSubscriptions",
    "RouterService.ListRules", "RouterService.ListBrokers",
    "LedgerService.ListTenantTrades", "LedgerService.ListUserTrades",
    "LedgerService.GetCostBasis", "LedgerService.GetPnL", "LedgerService.VerifyAudit",
    "LedgerService.ListBrokerConnections",
  ]

  @Test("every state-changing Slipstream request carries a RequestIdentity")
  func stateChangingRequestsCarryIdentity() async throws {
    let files = try await Self.descriptors().filter { $0.package.hasPrefix("slipstream.") }
    var messages: [String: Google_Protobuf_DescriptorProto] = [:]
    for file in files {
      for message in file.messageType { messages[".\(file.package).\(message.name)"] = message }
    }
    var methods = 0
    var missing: [String] = []
    for file in files {
      for service in file.service {
        for method in service.method where !Self.readOnlyMethods.contains("\(service.name).\(method.name)") {
          methods += 1
          let input = try #require(messages[method.inputType], "\(method.inputType) not found")
          if !input.field.contains(where: { $0.typeName == ".slipstream.types.v1.RequestIdentity" }) {
            missing.append("\(service.name).\(method.name) (\(input.name))")
          }
        }
      }
    }
    #expect(methods == 28)
    #expect(missing.isEmpty, "requests without a RequestIdentity: \(missing)")
  }

  /// Compiles proto-spec/ with protoc, keeping comments.
  ///
  /// - Returns: One descriptor per .proto file.
  /// - Throws: ``ExternalToolError`` without protoc; decoding errors.
  static func descriptors() async throws -> [Google_Protobuf_FileDescriptorProto] {
    let protoc = try ExternalTool.locate("protoc", install: ProtoSpec.protocInstallHint)
    var files: [Google_Protobuf_FileDescriptorProto] = []
    try await withScratchDirectory { scratch in
      let output = scratch.appendingPathComponent("spec.pb")
      let run = try await ExternalTool.run(
        protoc,
        [
          "--proto_path=\(ProtoSpec.directory.path)",
          "--include_source_info",
          "--descriptor_set_out=\(output.path)",
        ] + ProtoSpec.protoFiles()
      )
      try #require(run.status == 0, "\(run.transcript)")
      files = try Google_Protobuf_FileDescriptorSet(serializedBytes: Array(Data(contentsOf: output))).file
    }
    #expect(files.count == (try ProtoSpec.protoFiles()).count)
    return files
  }

  /// Names of the declarations of `file` that have neither a leading nor a trailing comment.
  static func undocumented(in file: Google_Protobuf_FileDescriptorProto) -> [String] {
    let documented = Set(
      file.sourceCodeInfo.location
        .filter { !$0.leadingComments.isEmpty || !$0.trailingComments.isEmpty }
        .map(\.path)
    )
    var missing: [String] = []
    func check(_ path: [Int32], _ name: String) {
      if !documented.contains(path) { missing.append("\(file.name): \(name)") }
    }
    func checkEnum(_ value: Google_Protobuf_EnumDescriptorProto, at path: [Int32], _ scope: String) {
      check(path, scope + value.name)
      for (index, item) in value.value.enumerated() {
        check(path + [2, Int32(index)], "\(scope)\(value.name).\(item.name)")
      }
    }
    func checkMessage(_ message: Google_Protobuf_DescriptorProto, at path: [Int32], _ scope: String) {
      let name = scope + message.name
      check(path, name)
      for (index, field) in message.field.enumerated() {
        check(path + [2, Int32(index)], "\(name).\(field.name)")
      }
      for (index, oneof) in message.oneofDecl.enumerated()
      where !message.field.contains(where: { $0.proto3Optional && $0.oneofIndex == Int32(index) }) {
        check(path + [8, Int32(index)], "\(name).\(oneof.name)")
      }
      for (index, nested) in message.nestedType.enumerated() where !nested.options.mapEntry {
        checkMessage(nested, at: path + [3, Int32(index)], name + ".")
      }
      for (index, nested) in message.enumType.enumerated() {
        checkEnum(nested, at: path + [4, Int32(index)], name + ".")
      }
    }
    for (index, message) in file.messageType.enumerated() {
      checkMessage(message, at: [4, Int32(index)], "")
    }
    for (index, value) in file.enumType.enumerated() {
      checkEnum(value, at: [5, Int32(index)], "")
    }
    for (index, service) in file.service.enumerated() {
      check([6, Int32(index)], service.name)
      for (methodIndex, method) in service.method.enumerated() {
        check([6, Int32(index), 2, Int32(methodIndex)], "\(service.name).\(method.name)")
      }
    }
    return missing
  }
}
