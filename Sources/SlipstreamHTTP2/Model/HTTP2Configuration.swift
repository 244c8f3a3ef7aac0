/// Limits, windows and timers of one HTTP/2 connection. Every value has a default (`defaults`).
public struct HTTP2Configuration: Sendable, Hashable {
  /// SETTINGS_MAX_CONCURRENT_STREAMS we advertise: streams the peer may have open at once.
  /// A peer that opens more before it has seen our SETTINGS gets REFUSED_STREAM; a client of ours
  /// queues streams over the server's limit until earlier ones finish.
  public var maxConcurrentStreams: Int
  /// SETTINGS_MAX_HEADER_LIST_SIZE we advertise and enforce (RFC 9113 size: name + value + 32 per field).
  /// A header block over it resets its stream with ENHANCE_YOUR_CALM; the connection stays up.
  public var maxHeaderListSize: Int
  /// SETTINGS_INITIAL_WINDOW_SIZE: bytes a peer may send on one stream before we `consume` them.
  public var initialStreamWindowSize: Int
  /// The connection-level receive window, opened right after the preface.
  public var connectionWindowSize: Int
  /// SETTINGS_MAX_FRAME_SIZE we accept (16384 ... 16777215).
  public var maxFrameSize: Int
  /// Buffered outbound bytes of one stream above which it reports itself not writable.
  public var outboundBufferHighWatermark: Int
  /// Buffered outbound bytes of one stream below which it reports itself writable again.
  public var outboundBufferLowWatermark: Int
  /// PING keepalive; `nil` sends no pings of its own.
  public var keepalive: Keepalive?
  /// Incoming RST_STREAM token bucket (server only): start with `burst` tokens, regain `ratePerSecond`.
  public var streamResetRateLimit: RateLimit
  /// Most CONTINUATION frames accepted after one HEADERS frame.
  public var maxContinuations: Int
  /// Most SETTINGS-ACK and PING-ACK frames queued for a peer that does not read.
  public var maxOutboundAck: Int
  /// Most entries accepted in one SETTINGS frame.
  public var maxSettings: Int
  /// Upper bound of the HPACK table we keep for encoding our headers.
  public var maxDeflateDynamicTableSize: Int
  /// A connection with no open stream for this long gets GOAWAY(NO_ERROR) and is closed; `nil` = never.
  public var idleTimeout: Duration?
  /// Time from connection start until the peer's preface/SETTINGS and its ACK of ours must have arrived;
  /// also how long a graceful shutdown waits for the PING round trip before the final GOAWAY.
  public var settingsTimeout: Duration

  /// PING keepalive timing.
  public struct Keepalive: Sendable, Hashable {
    /// Time between pings.
    public var interval: Duration
    /// Time a PING may stay unacknowledged before the connection is closed.
    public var timeout: Duration

    /// Creates keepalive timing.
    public init(interval: Duration, timeout: Duration) {
      self.interval = interval
      self.timeout = timeout
    }
  }

  /// A token bucket.
  public struct RateLimit: Sendable, Hashable {
    /// Tokens available at start and at most.
    public var burst: Int
    /// Tokens regained per second.
    public var ratePerSecond: Int

    /// Creates a token bucket.
    public init(burst: Int, ratePerSecond: Int) {
      self.burst = burst
      self.ratePerSecond = ratePerSecond
    }
  }

  /// 100 streams, 8 KiB header lists, 1 MiB stream / 4 MiB connection windows, 16 KiB frames,
  /// 256 KiB / 64 KiB stream watermarks, keepalive every 2 h with a 20 s timeout (gRPC's defaults),
  /// RST_STREAM 1000 burst at 33/s, 8 CONTINUATIONs, 1000 queued ACKs, 32 SETTINGS entries,
  /// 4 KiB HPACK table, 5 min idle timeout, 10 s SETTINGS timeout.
  public static var defaults: HTTP2Configuration {
    HTTP2Configuration(
      maxConcurrentStreams: 100,
      maxHeaderListSize: 8192,
      initialStreamWindowSize: 1 << 20,
      connectionWindowSize: 4 << 20,
      maxFrameSize: 16384,
      outboundBufferHighWatermark: 256 << 10,
      outboundBufferLowWatermark: 64 << 10,
      keepalive: Keepalive(interval: .seconds(7200), timeout: .seconds(20)),
      streamResetRateLimit: RateLimit(burst: 1000, ratePerSecond: 33),
      maxContinuations: 8,
      maxOutboundAck: 1000,
      maxSettings: 32,
      maxDeflateDynamicTableSize: 4096,
      idleTimeout: .seconds(300),
      settingsTimeout: .seconds(10)
    )
  }

  /// Creates a configuration; see the properties for each value's meaning.
  public init(
    maxConcurrentStreams: Int,
    maxHeaderListSize: Int,
    initialStreamWindowSize: Int,
    connectionWindowSize: Int,
    maxFrameSize: Int,
    outboundBufferHighWatermark: Int,
    outboundBufferLowWatermark: Int,
    keepalive: Keepalive?,
    streamResetRateLimit: RateLimit,
    maxContinuations: Int,
    maxOutboundAck: Int,
    maxSettings: Int,
    maxDeflateDynamicTableSize: Int,
    idleTimeout: Duration?,
    settingsTimeout: Duration
  ) {
    self.maxConcurrentStreams = maxConcurrentStreams
    self.maxHeaderListSize = maxHeaderListSize
    self.initialStreamWindowSize = initialStreamWindowSize
    self.connectionWindowSize = connectionWindowSize
    self.maxFrameSize = maxFrameSize
    self.outboundBufferHighWatermark = outboundBufferHighWatermark
    self.outboundBufferLowWatermark = outboundBufferLowWatermark
    self.keepalive = keepalive
    self.streamResetRateLimit = streamResetRateLimit
    self.maxContinuations = maxContinuations
    self.maxOutboundAck = maxOutboundAck
    self.maxSettings = maxSettings
    self.maxDeflateDynamicTableSize = maxDeflateDynamicTableSize
    self.idleTimeout = idleTimeout
    self.settingsTimeout = settingsTimeout
  }

  /// Checks every value against the ranges HTTP/2 (RFC 9113 §6.5.2) and nghttp2 accept.
  /// The handler runs this when the connection starts and closes it with the error otherwise.
  /// - Throws: `HTTP2Error.invalidConfiguration` naming the first bad value and its range.
  public func validate() throws(HTTP2Error) {
    let maxWindow = Int(Int32.max)
    func check(_ ok: Bool, _ what: String) throws(HTTP2Error) {
      if !ok {
        throw HTTP2Error(code: .invalidConfiguration, message: "HTTP2Configuration.\(what)")
      }
    }
    try check((0...Int(UInt32.max)).contains(self.maxConcurrentStreams), "maxConcurrentStreams must be 0...\(UInt32.max), is \(self.maxConcurrentStreams)")
    try check((1...Int(UInt32.max)).contains(self.maxHeaderListSize), "maxHeaderListSize must be 1...\(UInt32.max), is \(self.maxHeaderListSize)")
    try check((0...maxWindow).contains(self.initialStreamWindowSize), "initialStreamWindowSize must be 0...\(maxWindow), is \(self.initialStreamWindowSize)")
    try check((0...maxWindow).contains(self.connectionWindowSize), "connectionWindowSize must be 0...\(maxWindow), is \(self.connectionWindowSize)")
    try check((16384...16_777_215).contains(self.maxFrameSize), "maxFrameSize must be 16384...16777215, is \(self.maxFrameSize)")
    try check(
      self.outboundBufferLowWatermark >= 0 && self.outboundBufferLowWatermark <= self.outboundBufferHighWatermark,
      "outboundBufferLowWatermark must be 0...outboundBufferHighWatermark (\(self.outboundBufferHighWatermark)), is \(self.outboundBufferLowWatermark)"
    )
    try check(self.streamResetRateLimit.burst >= 0 && self.streamResetRateLimit.ratePerSecond >= 0, "streamResetRateLimit values must not be negative")
    try check(self.maxContinuations >= 0 && self.maxOutboundAck >= 0 && self.maxSettings >= 0, "maxContinuations, maxOutboundAck and maxSettings must not be negative")
    try check(self.maxDeflateDynamicTableSize >= 0, "maxDeflateDynamicTableSize must not be negative")
    try check(self.settingsTimeout > .zero, "settingsTimeout must be positive")
    if let idle = self.idleTimeout {
      try check(idle > .zero, "idleTimeout must be positive or nil")
    }
    if let keepalive = self.keepalive {
      try check(keepalive.interval > .zero && keepalive.timeout > .zero, "keepalive interval and timeout must be positive")
    }
  }
}
