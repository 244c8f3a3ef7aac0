import CNGHTTP2

extension NGHTTP2Session {
  /// Installs the C trampolines. Each recovers the session from user_data through `Unmanaged`
  /// (unretained: the session outlives every call nghttp2 makes into it) and forwards.
  static func install(_ callbacks: OpaquePointer) {
    nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks) { _, frame, userData in
      NGHTTP2Session.with(userData) { $0.onBeginHeaders(frame!) }
      return 0
    }
    nghttp2_session_callbacks_set_on_header_callback(callbacks) { _, frame, name, nameLength, value, valueLength, _, userData in
      NGHTTP2Session.with(userData) {
        $0.onHeader(
          frame!,
          name: UnsafeRawBufferPointer(start: name, count: nameLength),
          value: UnsafeRawBufferPointer(start: value, count: valueLength)
        )
      }
      return 0
    }
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, userData in
      NGHTTP2Session.with(userData) { $0.onFrameReceived(frame!) }
      return 0
    }
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) { _, _, streamID, data, length, userData in
      NGHTTP2Session.with(userData) { $0.onDataChunk(streamID: streamID, bytes: UnsafeRawBufferPointer(start: data, count: length)) }
      return 0
    }
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) { _, streamID, errorCode, userData in
      NGHTTP2Session.with(userData) { $0.onStreamClose(streamID: streamID, errorCode: errorCode) }
      return 0
    }
    nghttp2_session_callbacks_set_on_frame_send_callback(callbacks) { _, frame, userData in
      if UInt32(frame!.pointee.hd.type) == NGHTTP2_GOAWAY.rawValue {
        NGHTTP2Session.with(userData) { session in
          session.withDelegate { $0.sessionGoAwaySent(errorCode: frame!.pointee.goaway.error_code, reason: session.lastError) }
        }
      }
      return 0
    }
    nghttp2_session_callbacks_set_error_callback2(callbacks) { _, _, message, length, userData in
      NGHTTP2Session.with(userData) {
        $0.lastError = String(decoding: UnsafeRawBufferPointer(start: message, count: length), as: UTF8.self)
      }
      return 0
    }
    nghttp2_session_callbacks_set_send_data_callback(callbacks) { _, frame, header, length, _, userData in
      NGHTTP2Session.with(userData) { $0.onSendData(frame: frame!, header: header!, length: length) }
    }
  }
}
