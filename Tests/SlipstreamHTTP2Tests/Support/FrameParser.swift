import NIOCore

/// A minimal HTTP/2 frame reader for checking what a handler wrote.
struct WireFrame: Hashable {
  var type: UInt8
  var flags: UInt8
  var stream: UInt32
  var payload: [UInt8]

  static let rstStream: UInt8 = 3

  /// Splits `buffers` into frames (a client's buffers start with the 24-byte preface; pass `skip`).
  static func parse(_ buffers: [ByteBuffer], skip: Int = 0) -> [WireFrame] {
    var all = ByteBuffer()
    for var buffer in buffers { all.writeBuffer(&buffer) }
    all.moveReaderIndex(forwardBy: skip)
    var frames: [WireFrame] = []
    while all.readableBytes >= 9 {
      let header = all.readBytes(length: 9)!
      let length = Int(header[0]) << 16 | Int(header[1]) << 8 | Int(header[2])
      let stream = (UInt32(header[5]) << 24 | UInt32(header[6]) << 16 | UInt32(header[7]) << 8 | UInt32(header[8])) & 0x7fff_ffff
      frames.append(WireFrame(type: header[3], flags: header[4], stream: stream, payload: all.readBytes(length: length) ?? []))
    }
    return frames
  }
}
