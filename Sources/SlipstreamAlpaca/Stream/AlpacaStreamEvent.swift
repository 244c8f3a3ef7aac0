import SlipstreamDomain

/// What an ``AlpacaMarketDataStream`` reports on its ``AlpacaMarketDataStream/events``.
public enum AlpacaStreamEvent: Sendable, Hashable {
  /// A quote for a subscribed symbol, with exact prices and sizes.
  case quote(Quote)
  /// A message that could not be read (also counted in
  /// ``AlpacaMarketDataStream/malformedMessageCount``); the stream goes on.
  case malformedMessage(AlpacaMessageError)
  /// A server error that answered no request of ours (e.g. 407 slow client, 500).
  case error(AlpacaStreamError)
  /// The session ended unexpectedly; reconnection starts.
  case disconnected(reason: AlpacaStreamError)
  /// A reconnection attempt failed; another follows after a backoff.
  case reconnectFailed(attempt: Int, error: AlpacaStreamError)
  /// A new session is up and authenticated, resubscribed to the confirmed quote symbols.
  case reconnected(AlpacaSubscription)
  /// Reconnection was abandoned (attempts exhausted, or an error retrying cannot fix, like
  /// 402 auth failed). Call ``AlpacaMarketDataStream/connect()`` to try again.
  case gaveUp(AlpacaStreamError)
}
