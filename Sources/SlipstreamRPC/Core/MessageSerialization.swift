/// Turns a message into its wire payload.
public protocol MessageSerializer<Message>: Sendable {
  associatedtype Message
  /// Serializes one message. - Throws: an error the RPC layer maps to INTERNAL.
  func serialize(_ message: Message) throws -> [UInt8]
}

/// Turns a wire payload into a message.
public protocol MessageDeserializer<Message>: Sendable {
  associatedtype Message
  /// Deserializes one message. - Throws: an error the RPC layer maps to INTERNAL
  /// (server receiving a request: INVALID_ARGUMENT is not used, following gRPC practice).
  func deserialize(_ bytes: [UInt8]) throws -> Message
}

/// Passes payload bytes through unchanged (for raw-bytes services and benchmarks).
public struct RawBytesCodec: MessageSerializer, MessageDeserializer {
  public typealias Message = [UInt8]
  public init() {}
  @inlinable public func serialize(_ message: [UInt8]) throws -> [UInt8] { message }
  @inlinable public func deserialize(_ bytes: [UInt8]) throws -> [UInt8] { bytes }
}
