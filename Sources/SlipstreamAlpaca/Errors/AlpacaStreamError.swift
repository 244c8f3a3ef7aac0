import SlipstreamDomain

/// Why the Alpaca stream failed or refused something.
public enum AlpacaStreamError: Error, Sendable, Hashable, CustomStringConvertible {
  /// Alpaca's server answered with an error message (`{"T":"error","code":…,"msg":…}`).
  case server(code: AlpacaErrorCode, message: String)
  /// The configuration cannot be used (bad URL, TLS setup, limits).
  case invalidConfiguration(String)
  /// The TCP connection, TLS handshake or websocket upgrade failed.
  case connectFailed(String)
  /// The server answered the websocket upgrade without switching protocols.
  case upgradeRejected
  /// A step did not finish in time.
  case timedOut(step: Step, after: Duration)
  /// The server sent something the protocol does not allow at that point.
  case protocolViolation(String)
  /// A message from the server could not be read; see ``AlpacaMessageError``.
  case malformedMessage(AlpacaMessageError)
  /// A request named more symbols than ``AlpacaStreamConfiguration/maximumSymbolsPerRequest``.
  case tooManySymbols(count: Int, maximum: Int)
  /// A symbol passed to subscribe/unsubscribe is not a valid equity ticker.
  case invalidSymbol(String, SymbolError)
  /// The stream is not connected (never connected, or given up after failures).
  case notConnected
  /// ``AlpacaMarketDataStream/close()`` was called.
  case closed
  /// The connection ended unexpectedly.
  case connectionLost(String)

  /// A step of setting up or using the session.
  public enum Step: String, Sendable, Hashable {
    case connect
    case welcome
    case authentication
    case subscription
  }

  /// The Alpaca error code, for ``server(code:message:)``.
  public var serverCode: AlpacaErrorCode? {
    if case .server(let code, _) = self { return code }
    return nil
  }

  public var description: String {
    switch self {
    case .server(let code, let message):
      let hint = code.hint.map { ": \($0)" } ?? ""
      return "Alpaca stream error \(code) '\(message)'\(hint)"
    case .invalidConfiguration(let reason):
      return "invalid Alpaca stream configuration: \(reason)"
    case .connectFailed(let reason):
      return "could not connect to the Alpaca stream: \(reason)"
    case .upgradeRejected:
      return "the server did not switch to websocket; check the URL (wss://stream.data.alpaca.markets/v2/iex)"
    case .timedOut(let step, let after):
      return "the Alpaca stream's \(step.rawValue) step did not finish within \(after)"
    case .protocolViolation(let reason):
      return "the Alpaca stream broke its protocol: \(reason)"
    case .malformedMessage(let error):
      return "malformed Alpaca message: \(error)"
    case .tooManySymbols(let count, let maximum):
      return "\(count) symbols in one request; at most \(maximum) are allowed, split the request"
    case .invalidSymbol(let text, let error):
      return "'\(text)' is not a symbol the Alpaca stream can subscribe to: \(error)"
    case .notConnected:
      return "the Alpaca stream is not connected; call connect() first"
    case .closed:
      return "the Alpaca stream was closed"
    case .connectionLost(let reason):
      return "the Alpaca stream connection was lost: \(reason)"
    }
  }
}

/// Why one message (or a whole frame) from Alpaca could not be read.
public struct AlpacaMessageError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The message type (`T`), if it could be read.
  public let messageType: String?
  /// The symbol (`S`), if it could be read.
  public let symbol: String?
  /// What is wrong.
  public let reason: String

  public init(messageType: String?, symbol: String?, reason: String) {
    self.messageType = messageType
    self.symbol = symbol
    self.reason = reason
  }

  public var description: String {
    var text = ""
    if let messageType { text += "type '\(messageType)' " }
    if let symbol { text += "symbol '\(symbol)' " }
    return text + reason
  }
}
