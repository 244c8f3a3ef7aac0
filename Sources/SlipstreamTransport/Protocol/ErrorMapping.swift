import SlipstreamWire

/// Maps HTTP/2 stream reset codes to gRPC status codes, per the gRPC HTTP/2 protocol document.
enum ResetCodeMapping {
  /// - Parameter code: The RST_STREAM / GOAWAY error code on the wire.
  static func statusCode(forHTTP2ErrorCode code: UInt32) -> StatusCode {
    switch code {
    case 0x7: return .unavailable  // REFUSED_STREAM: safe to retry, nothing was processed
    case 0x8: return .cancelled  // CANCEL
    case 0xB: return .resourceExhausted  // ENHANCE_YOUR_CALM
    case 0xC: return .permissionDenied  // INADEQUATE_SECURITY
    default: return .internalError  // NO_ERROR, PROTOCOL_ERROR, INTERNAL_ERROR, FLOW_CONTROL_ERROR, ...
    }
  }

  /// A message for a reset stream, naming the code.
  static func message(forHTTP2ErrorCode code: UInt32) -> String {
    let names: [UInt32: String] = [
      0x0: "NO_ERROR", 0x1: "PROTOCOL_ERROR", 0x2: "INTERNAL_ERROR", 0x3: "FLOW_CONTROL_ERROR",
      0x4: "SETTINGS_TIMEOUT", 0x5: "STREAM_CLOSED", 0x6: "FRAME_SIZE_ERROR", 0x7: "REFUSED_STREAM",
      0x8: "CANCEL", 0x9: "COMPRESSION_ERROR", 0xA: "CONNECT_ERROR", 0xB: "ENHANCE_YOUR_CALM",
      0xC: "INADEQUATE_SECURITY", 0xD: "HTTP_1_1_REQUIRED",
    ]
    let name = names[code] ?? "code \(code)"
    if code == 0x7 { return "The server refused the stream (\(name)); it was not processed." }
    return "The stream was reset by the peer (\(name))."
  }
}
