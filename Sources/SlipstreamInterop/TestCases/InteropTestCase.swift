public import SlipstreamRPC

/// The standard gRPC interop client cases (grpc/grpc `doc/interop-test-descriptions.md`) that
/// need nothing but a `grpc.testing.TestService` server.
public enum InteropTestCase: String, CaseIterable, Sendable, Hashable, CustomStringConvertible {
  case emptyUnary = "empty_unary"
  case largeUnary = "large_unary"
  case clientStreaming = "client_streaming"
  case serverStreaming = "server_streaming"
  case pingPong = "ping_pong"
  case emptyStream = "empty_stream"
  case cancelAfterBegin = "cancel_after_begin"
  case cancelAfterFirstResponse = "cancel_after_first_response"
  case timeoutOnSleepingServer = "timeout_on_sleeping_server"
  case statusCodeAndMessage = "status_code_and_message"
  case specialStatusMessage = "special_status_message"
  case customMetadata = "custom_metadata"
  case unimplementedMethod = "unimplemented_method"
  case unimplementedService = "unimplemented_service"

  /// The case's name as the interop runners spell it, e.g. `large_unary`.
  public var description: String { rawValue }

  /// Runs the case against a server of `grpc.testing.TestService`.
  /// - Parameter client: A client connected to that server.
  /// - Throws: ``InteropTestFailure`` naming this case and what did not hold, including an
  ///   unexpected error from the call itself.
  public func run(client: RPCClient) async throws {
    let runner = InteropCaseRunner(testCase: self, client: client)
    do {
      switch self {
      case .emptyUnary: try await runner.emptyUnary()
      case .largeUnary: try await runner.largeUnary()
      case .clientStreaming: try await runner.clientStreaming()
      case .serverStreaming: try await runner.serverStreaming()
      case .pingPong: try await runner.pingPong()
      case .emptyStream: try await runner.emptyStream()
      case .cancelAfterBegin: try await runner.cancelAfterBegin()
      case .cancelAfterFirstResponse: try await runner.cancelAfterFirstResponse()
      case .timeoutOnSleepingServer: try await runner.timeoutOnSleepingServer()
      case .statusCodeAndMessage: try await runner.statusCodeAndMessage()
      case .specialStatusMessage: try await runner.specialStatusMessage()
      case .customMetadata: try await runner.customMetadata()
      case .unimplementedMethod: try await runner.unimplementedMethod()
      case .unimplementedService: try await runner.unimplementedService()
      }
    } catch let failure as InteropTestFailure {
      throw failure
    } catch {
      throw InteropTestFailure(case: self, reason: "unexpected error: \(error)")
    }
  }
}

/// Why an interop case did not pass.
public struct InteropTestFailure: Error, Sendable, CustomStringConvertible {
  /// The case that failed.
  public let `case`: InteropTestCase
  /// What the case expected and what happened instead.
  public let reason: String

  public init(case: InteropTestCase, reason: String) {
    self.case = `case`
    self.reason = reason
  }

  public var description: String { "\(self.case): \(reason)" }
}
