public import SlipstreamRPC

/// UTF-8 strings as messages, for tests of the RPC machinery without protobuf.
public struct StringCodec: MessageSerializer, MessageDeserializer {
  public init() {}
  public func serialize(_ message: String) throws -> [UInt8] { Array(message.utf8) }
  public func deserialize(_ bytes: [UInt8]) throws -> String { String(decoding: bytes, as: UTF8.self) }
}
