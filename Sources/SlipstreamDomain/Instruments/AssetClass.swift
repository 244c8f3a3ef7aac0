/// The kind of market an instrument trades in.
public enum AssetClass: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  case equity
  case forex
  case crypto
  case options

  public var description: String { rawValue }
}
