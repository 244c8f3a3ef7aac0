/// A fuzzing entry point that drives every parser of this module with arbitrary bytes.
///
/// Used by the libFuzzer harness in `Tests/Fuzz` and by an in-process smoke test. Thrown
/// `WireError`s are expected and ignored; a trap is a bug. Round trips that must hold for any
/// input (frame then deframe, base64, percent-encoding, timeouts, metadata header fields) are
/// checked with `precondition`, so the fuzzer also finds logic errors.
public enum WireFuzzing {
  /// Feeds `data` to the deframer (split at data-derived points, with and without gzip), the
  /// `grpc-timeout` parser, base64, the `grpc-message` decoder, metadata key validation and
  /// header-field parsing.
  ///
  /// - Parameter data: Any bytes.
  public static func exercise(_ data: UnsafeRawBufferPointer) {
    let bytes = [UInt8](data)
    let seed = bytes.first ?? 0

    // Deframing arbitrary bytes, identity and gzip, with a small limit to bound zip bombs;
    // the one-copy `append(_:deliver:)` must agree with `append(_:)` + `next()`.
    for encoding in [nil, CompressionAlgorithm.gzip] {
      var deframer = MessageDeframer(maximumMessageSize: 1 << 16, encoding: encoding)
      let viaNext = Self.feed(bytes, to: &deframer, seed: seed)
      var delivering = MessageDeframer(maximumMessageSize: 1 << 16, encoding: encoding)
      let viaDeliver = Self.feed(bytes, to: &delivering, seed: seed, deliver: true)
      precondition(viaNext == viaDeliver, "append(_:deliver:) disagrees with append(_:) + next()")
    }

    // Framing then deframing must give back the same messages.
    let messages = bytes.split(separator: seed, omittingEmptySubsequences: false).prefix(8)
    for compression in CompressionAlgorithm.allCases {
      var framer = MessageFramer(compression: compression, compressionThreshold: Int(seed % 4))
      var framed: [UInt8] = []
      for message in messages {
        try! framer.append(message, into: &framed)  // Fuzz inputs are small: cannot throw.
      }
      var deframer = MessageDeframer(maximumMessageSize: 1 << 16, encoding: compression)
      let decoded = Self.feed(framed, to: &deframer, seed: seed &+ 1)
      precondition(
        decoded?.elementsEqual(messages, by: { $0.elementsEqual($1) }) == true,
        "frame/deframe round trip changed the messages")
    }

    let text = String(decoding: bytes, as: UTF8.self)
    Self.exerciseText(text, bytes: bytes)
    Self.exerciseHeaderFields(text)
  }

  /// Feeds `bytes` in pieces whose sizes follow `seed`, draining messages after each piece.
  ///
  /// - Returns: The messages, or `nil` if the deframer threw or the stream was truncated.
  /// With `deliver`, through ``MessageDeframer/append(_:deliver:)`` instead.
  @discardableResult
  private static func feed(_ bytes: [UInt8], to deframer: inout MessageDeframer, seed: UInt8, deliver: Bool = false)
    -> [[UInt8]]?
  {
    var messages: [[UInt8]] = []
    var start = 0
    var step = Int(seed)
    do {
      while start < bytes.count {
        step = (step &* 31 &+ 7) & 0xFF
        let end = min(bytes.count, start + step % 23 + 1)
        if deliver {
          try bytes[start..<end].withUnsafeBytes { piece in try deframer.append(piece) { messages.append($0) } }
        } else {
          bytes[start..<end].withUnsafeBytes { deframer.append($0) }
          while let message = try deframer.next() { messages.append(message) }
        }
        start = end
      }
      try deframer.finish()
      return messages
    } catch {
      return nil
    }
  }

  private static func exerciseText(_ text: String, bytes: [UInt8]) {
    if let timeout = try? GRPCTimeout(parsing: text) {
      precondition(
        (try? GRPCTimeout(parsing: timeout.headerValue)) == timeout, "grpc-timeout round trip")
      // Every header value's duration is exact in the finest unit that fits, so no rounding.
      precondition(
        GRPCTimeout(timeout.duration).duration == timeout.duration, "grpc-timeout duration")
    }
    _ = try? Base64.decode(text)
    for padded in [true, false] {
      precondition(
        (try? Base64.decode(Base64.encode(bytes, padded: padded))) == bytes, "base64 round trip")
    }
    _ = GRPCStatusMessage.decode(text)
    precondition(
      GRPCStatusMessage.decode(GRPCStatusMessage.encode(text)) == text, "grpc-message round trip")
    _ = try? Metadata.validateKey(text)
    _ = try? Metadata.validateUserKey(text)
    _ = GRPCContentType.isGRPC(text)
    _ = try? CompressionAlgorithm(encodingHeader: text)
    _ = CompressionAlgorithm.parseAcceptEncoding(text)
    if let status = try? GRPCStatusHeaders.parse(status: text, message: text) {
      let fields = GRPCStatusHeaders.fields(for: status)
      let again = try? GRPCStatusHeaders.parse(
        status: fields[0].value, message: fields.count > 1 ? fields[1].value : nil)
      precondition(again == status, "grpc-status round trip")
    }
  }

  /// Lines of `name:value` become header fields; metadata must survive a round trip.
  private static func exerciseHeaderFields(_ text: String) {
    let fields = text.split(separator: "\n").map { line -> (name: String, value: String) in
      let colon = line.dropFirst().firstIndex(of: ":") ?? line.endIndex
      let value = colon == line.endIndex ? "" : line[line.index(after: colon)...]
      return (String(line[..<colon]), String(value))
    }
    guard let metadata = try? Metadata(headerFields: fields) else { return }
    _ = try? metadata.validateUserKeys()
    precondition(
      (try? Metadata(headerFields: metadata.headerFields())) == metadata,
      "metadata header-field round trip")
  }
}
