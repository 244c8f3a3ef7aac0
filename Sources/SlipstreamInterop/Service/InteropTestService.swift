import Foundation
public import SlipstreamRPC
import SlipstreamAPI
import SlipstreamWire

/// `grpc.testing.TestService` as the gRPC interop suite's server side describes it
/// (grpc/grpc `doc/interop-test-descriptions.md`, "Server").
///
/// `UnimplementedCall` is deliberately not registered, so the router answers it with
/// UNIMPLEMENTED, as the `unimplemented_method` case expects.
public struct InteropTestService: Grpc_Testing_TestService.ServiceProtocol {
  /// The request header echoed into the response's initial metadata.
  public static let echoInitialKey = "x-grpc-test-echo-initial"
  /// The request header echoed into the response's trailing metadata.
  public static let echoTrailingKey = "x-grpc-test-echo-trailing-bin"

  public init() {}

  public func emptyCall(request: Grpc_Testing_Empty, context: ServerContext) async throws -> Grpc_Testing_Empty {
    Grpc_Testing_Empty()
  }

  public func unaryCall(request: Grpc_Testing_SimpleRequest, context: ServerContext) async throws -> Grpc_Testing_SimpleResponse {
    Self.echoMetadata(context)
    if request.hasResponseStatus { try Self.failIfRequested(request.responseStatus) }
    var response = Grpc_Testing_SimpleResponse()
    response.payload = try Grpc_Testing_Payload.zeros(request.responseSize, type: request.responseType)
    return response
  }

  public func cacheableUnaryCall(request: Grpc_Testing_SimpleRequest, context: ServerContext) async throws -> Grpc_Testing_SimpleResponse {
    try await unaryCall(request: request, context: context)
  }

  public func streamingOutputCall(
    request: Grpc_Testing_StreamingOutputCallRequest,
    writer: RPCWriter<Grpc_Testing_StreamingOutputCallResponse>,
    context: ServerContext
  ) async throws {
    Self.echoMetadata(context)
    try await Self.respond(to: request, writer: writer)
  }

  public func streamingInputCall(
    requests: RPCMessageStream<Grpc_Testing_StreamingInputCallRequest>,
    context: ServerContext
  ) async throws -> Grpc_Testing_StreamingInputCallResponse {
    var total = 0
    for try await request in requests { total += request.payload.body.count }
    guard let aggregated = Int32(exactly: total) else {
      throw RPCError(code: .outOfRange, message: "The aggregated payload size \(total) does not fit in an int32.")
    }
    var response = Grpc_Testing_StreamingInputCallResponse()
    response.aggregatedPayloadSize = aggregated
    return response
  }

  public func fullDuplexCall(
    requests: RPCMessageStream<Grpc_Testing_StreamingOutputCallRequest>,
    writer: RPCWriter<Grpc_Testing_StreamingOutputCallResponse>,
    context: ServerContext
  ) async throws {
    Self.echoMetadata(context)
    for try await request in requests {
      try await Self.respond(to: request, writer: writer)
    }
  }

  public func halfDuplexCall(
    requests: RPCMessageStream<Grpc_Testing_StreamingOutputCallRequest>,
    writer: RPCWriter<Grpc_Testing_StreamingOutputCallResponse>,
    context: ServerContext
  ) async throws {
    Self.echoMetadata(context)
    var buffered: [Grpc_Testing_StreamingOutputCallRequest] = []
    for try await request in requests { buffered.append(request) }
    for request in buffered { try await Self.respond(to: request, writer: writer) }
  }

  /// Not served: see the type's documentation.
  public func unimplementedCall(request: Grpc_Testing_Empty, context: ServerContext) async throws -> Grpc_Testing_Empty {
    throw RPCError(code: .unimplemented, message: "UnimplementedCall is not implemented.")
  }

  /// Registers every method except `UnimplementedCall`.
  public func registerMethods(with router: inout RPCRouter) {
    typealias Method = Grpc_Testing_TestService.Method
    typealias Empty = Grpc_Testing_Empty
    typealias StreamingRequest = Grpc_Testing_StreamingOutputCallRequest
    typealias StreamingResponse = Grpc_Testing_StreamingOutputCallResponse
    router.registerUnary(Method.emptyCall, deserializer: ProtobufDeserializer<Empty>(), serializer: ProtobufSerializer<Empty>()) {
      try await self.emptyCall(request: $0, context: $1)
    }
    router.registerUnary(
      Method.unaryCall,
      deserializer: ProtobufDeserializer<Grpc_Testing_SimpleRequest>(),
      serializer: ProtobufSerializer<Grpc_Testing_SimpleResponse>()
    ) { try await self.unaryCall(request: $0, context: $1) }
    router.registerUnary(
      Method.cacheableUnaryCall,
      deserializer: ProtobufDeserializer<Grpc_Testing_SimpleRequest>(),
      serializer: ProtobufSerializer<Grpc_Testing_SimpleResponse>()
    ) { try await self.cacheableUnaryCall(request: $0, context: $1) }
    router.registerServerStreaming(
      Method.streamingOutputCall,
      deserializer: ProtobufDeserializer<StreamingRequest>(),
      serializer: ProtobufSerializer<StreamingResponse>()
    ) { try await self.streamingOutputCall(request: $0, writer: $1, context: $2) }
    router.registerClientStreaming(
      Method.streamingInputCall,
      deserializer: ProtobufDeserializer<Grpc_Testing_StreamingInputCallRequest>(),
      serializer: ProtobufSerializer<Grpc_Testing_StreamingInputCallResponse>()
    ) { try await self.streamingInputCall(requests: $0, context: $1) }
    router.registerBidirectionalStreaming(
      Method.fullDuplexCall,
      deserializer: ProtobufDeserializer<StreamingRequest>(),
      serializer: ProtobufSerializer<StreamingResponse>()
    ) { try await self.fullDuplexCall(requests: $0, writer: $1, context: $2) }
    router.registerBidirectionalStreaming(
      Method.halfDuplexCall,
      deserializer: ProtobufDeserializer<StreamingRequest>(),
      serializer: ProtobufSerializer<StreamingResponse>()
    ) { try await self.halfDuplexCall(requests: $0, writer: $1, context: $2) }
  }

  // MARK: Behaviour shared by the methods

  /// Copies the echo headers of the request into the response metadata.
  private static func echoMetadata(_ context: ServerContext) {
    var initial = context.response.initial
    for value in context.metadata[stringValues: echoInitialKey] {
      try? initial.addString(value, forKey: echoInitialKey)
    }
    context.response.initial = initial
    var trailing = context.response.trailing
    for value in context.metadata[binaryValues: echoTrailingKey] {
      try? trailing.addBinary(value, forKey: echoTrailingKey)
    }
    context.response.trailing = trailing
  }

  /// Throws the status the client asked for, unless it is OK.
  private static func failIfRequested(_ status: Grpc_Testing_EchoStatus) throws {
    guard status.code != 0 else { return }
    guard let code = StatusCode(rawValue: Int(status.code)) else {
      throw RPCError(code: .invalidArgument, message: "response_status.code \(status.code) is not a gRPC status code.")
    }
    throw RPCError(code: code, message: status.message)
  }

  /// Sends one response per `response_parameters` entry, waiting `interval_us` before each,
  /// after failing with `response_status` when one is set.
  private static func respond(
    to request: Grpc_Testing_StreamingOutputCallRequest,
    writer: RPCWriter<Grpc_Testing_StreamingOutputCallResponse>
  ) async throws {
    if request.hasResponseStatus { try failIfRequested(request.responseStatus) }
    for parameters in request.responseParameters {
      if parameters.intervalUs > 0 {
        try await Task.sleep(for: .microseconds(parameters.intervalUs))
      }
      var response = Grpc_Testing_StreamingOutputCallResponse()
      response.payload = try Grpc_Testing_Payload.zeros(parameters.size, type: request.responseType)
      try await writer.write(response)
    }
  }
}

extension Grpc_Testing_Payload {
  /// A payload of `size` zero bytes.
  /// - Throws: ``RPCError`` INVALID_ARGUMENT for a negative size or a payload type other
  ///   than COMPRESSABLE (the only one the interop suite uses).
  package static func zeros(_ size: Int32, type: Grpc_Testing_PayloadType = .compressable) throws -> Self {
    guard type == .compressable else {
      throw RPCError(code: .invalidArgument, message: "Only the COMPRESSABLE payload type is supported; got \(type).")
    }
    guard size >= 0 else {
      throw RPCError(code: .invalidArgument, message: "A payload size must not be negative; got \(size).")
    }
    var payload = Self()
    payload.type = type
    payload.body = Data(count: Int(size))
    return payload
  }
}
