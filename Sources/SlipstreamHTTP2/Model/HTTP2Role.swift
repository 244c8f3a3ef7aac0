/// Which end of the connection a handler plays: the server accepts streams, the client starts them.
public enum HTTP2Role: Hashable, Sendable {
  case server
  case client
}
