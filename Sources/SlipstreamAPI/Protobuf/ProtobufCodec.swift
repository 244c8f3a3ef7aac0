public import SlipstreamRPC
public import SwiftProtobuf

/// Serializes protobuf messages for the RPC core.
public struct ProtobufSerializer<Message: SwiftProtobuf.Message>: MessageSerializer {
  public init() {}

  public func serialize(_ message: Message) throws -> [UInt8] {
    try message.serializedBytes()
  }
}

/// Parses protobuf messages for the RPC core.
public struct ProtobufDeserializer<Message: SwiftProtobuf.Message>: MessageDeserializer {
  public init() {}

  public func deserialize(_ bytes: [UInt8]) throws -> Message {
    try Message(serializedBytes: bytes)
  }
}
