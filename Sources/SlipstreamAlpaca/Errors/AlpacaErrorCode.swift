/// An error code of Alpaca's market-data stream (`{"T":"error","code":406,...}`).
///
/// The documented codes are constants here; any other code the server sends is kept as is.
/// Source: https://docs.alpaca.markets/docs/streaming-market-data ("Errors").
public struct AlpacaErrorCode: RawRepresentable, Sendable, Hashable, ExpressibleByIntegerLiteral,
  CustomStringConvertible
{
  public let rawValue: Int

  public init(rawValue: Int) {
    self.rawValue = rawValue
  }

  public init(integerLiteral value: Int) {
    self.rawValue = value
  }

  /// 400: the message sent did not follow the specification (also for a malformed symbol).
  public static let invalidSyntax: AlpacaErrorCode = 400
  /// 401: subscribe or unsubscribe before authenticating.
  public static let notAuthenticated: AlpacaErrorCode = 401
  /// 402: the key id or secret was refused.
  public static let authFailed: AlpacaErrorCode = 402
  /// 403: the session had already authenticated.
  public static let alreadyAuthenticated: AlpacaErrorCode = 403
  /// 404: no successful authentication in time after connecting.
  public static let authTimeout: AlpacaErrorCode = 404
  /// 405: the request would exceed the plan's symbol limit; subscriptions are unchanged.
  public static let symbolLimitExceeded: AlpacaErrorCode = 405
  /// 406: the account already has as many sessions as its plan allows.
  public static let connectionLimitExceeded: AlpacaErrorCode = 406
  /// 407: the client read too slowly; the server may disconnect it.
  public static let slowClient: AlpacaErrorCode = 407
  /// 409: the feed is not part of the account's subscription (e.g. SIP on the free plan).
  public static let insufficientSubscription: AlpacaErrorCode = 409
  /// 410: a channel that this feed does not offer.
  public static let invalidSubscribeActionForFeed: AlpacaErrorCode = 410
  /// 500: an internal error on Alpaca's side.
  public static let internalError: AlpacaErrorCode = 500

  /// What the code means and what to do about it.
  public var hint: String? {
    switch self {
    case .invalidSyntax: return "the request did not follow the protocol or named a malformed symbol"
    case .notAuthenticated: return "the session is not authenticated; connect() authenticates before subscribing"
    case .authFailed: return "check the API key id and secret (paper and live keys differ)"
    case .alreadyAuthenticated: return "the session was already authenticated"
    case .authTimeout: return "authentication did not complete within the server's time limit"
    case .symbolLimitExceeded:
      return "the plan's symbol limit (30 quotes on the free plan) would be exceeded; subscriptions are unchanged"
    case .connectionLimitExceeded:
      return "another session already uses this key (the free plan allows 1); close it or share one stream"
    case .slowClient: return "the client read too slowly and may be disconnected"
    case .insufficientSubscription: return "the account's plan does not include this feed (use iex on the free plan)"
    case .invalidSubscribeActionForFeed: return "this feed does not offer the requested channel"
    case .internalError: return "an internal error on Alpaca's side; retry later"
    default: return nil
    }
  }

  /// Whether retrying the same session setup can succeed without a change of credentials or plan.
  public var isRetryable: Bool {
    switch self {
    case .authFailed, .insufficientSubscription, .invalidSubscribeActionForFeed, .invalidSyntax: return false
    default: return true
    }
  }

  public var description: String { String(rawValue) }
}
