/// What the router knows about one broker connection.
public struct BrokerProfile: Hashable, Sendable {
  /// The broker.
  public var id: BrokerID
  /// Asset classes it can trade.
  public var supportedAssetClasses: Set<AssetClass>
  /// Whether it accepts fractional quantities.
  public var supportsFractional: Bool
  /// Its fees.
  public var fees: FeeSchedule
  /// Observed latency (no samples = unknown).
  public var latency: LatencyEWMA
  /// Fill quality 0…1 (price improvement, fill rate); `nil` when unknown.
  public var fillQuality: FixedDecimal?
  /// Whether the session to the broker is up.
  public var isConnected: Bool
  /// Whether the broker reports itself healthy.
  public var isHealthy: Bool
  /// Requests left in the current rate-limit window; 0 or less means rate-limited.
  public var rateLimitHeadroom: Int

  /// Creates a profile; connected, healthy, with headroom, no observations by default.
  public init(
    id: BrokerID,
    supportedAssetClasses: Set<AssetClass>,
    supportsFractional: Bool = false,
    fees: FeeSchedule = FeeSchedule(),
    latency: LatencyEWMA,
    fillQuality: FixedDecimal? = nil,
    isConnected: Bool = true,
    isHealthy: Bool = true,
    rateLimitHeadroom: Int = 100
  ) {
    self.id = id
    self.supportedAssetClasses = supportedAssetClasses
    self.supportsFractional = supportsFractional
    self.fees = fees
    self.latency = latency
    self.fillQuality = fillQuality
    self.isConnected = isConnected
    self.isHealthy = isHealthy
    self.rateLimitHeadroom = rateLimitHeadroom
  }

  /// Whether latency and fill quality have both been observed.
  public var hasCompleteData: Bool { latency.microseconds != nil && fillQuality != nil }
}

/// Why a broker cannot take an order.
public enum ExclusionReason: Hashable, Sendable, CustomStringConvertible {
  /// The session is down.
  case disconnected
  /// The broker reports itself unhealthy.
  case unhealthy
  /// No rate-limit headroom left.
  case rateLimited(headroom: Int)
  /// The broker does not trade this asset class.
  case assetClassNotSupported(AssetClass)
  /// The order is fractional and the broker only takes whole units.
  case fractionalNotSupported

  public var description: String {
    switch self {
    case .disconnected: return "not connected"
    case .unhealthy: return "unhealthy"
    case .rateLimited(let headroom): return "rate-limited (headroom \(headroom))"
    case .assetClassNotSupported(let assetClass): return "does not trade \(assetClass)"
    case .fractionalNotSupported: return "no fractional quantities"
    }
  }
}

/// One excluded broker with every reason that applies.
public struct BrokerExclusion: Hashable, Sendable {
  /// The broker.
  public let broker: BrokerID
  /// Why it was excluded (never empty).
  public let reasons: [ExclusionReason]
}
