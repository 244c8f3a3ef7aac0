public import Foundation
public import Logging

/// The log handler of every service: one line per event on standard error (or any
/// ``LogOutput``), as JSON or compact text.
///
/// JSON: `{"ts":"2026-11-21T14:31:09.123Z","level":"info","service":"pricing-service","logger":"pricing","message":"started","source":"SlipstreamPricing","port":"50051"}`.
/// Metadata (handler, provider, then the event's, later winning) become fields, sorted by
/// key; a key that would replace a fixed field is written with a `meta_` prefix.
///
/// Text: `2026-11-21T14:31:09.123Z info pricing-service[pricing] started port=50051`.
public struct ServiceLogHandler: LogHandler {
  /// The fields every JSON line starts with (`error` when the event carries one).
  static let fixedFields: Set<String> = ["ts", "level", "service", "logger", "message", "source", "error"]

  public var logLevel: Logger.Level = .info
  public var metadata: Logger.Metadata = [:]
  public var metadataProvider: Logger.MetadataProvider?

  private let label: String
  private let service: String
  private let format: LogFormat
  private let output: LogOutput
  private let now: @Sendable () -> Date

  /// Creates a handler.
  /// - Parameters:
  ///   - label: The logger's label (the `logger` field).
  ///   - service: The service name (the `service` field).
  ///   - format: JSON or text lines.
  ///   - output: Where lines go.
  ///   - metadataProvider: Metadata added to every event (e.g. trace ids).
  ///   - now: The clock for timestamps.
  public init(
    label: String,
    service: String,
    format: LogFormat,
    output: LogOutput = .standardError,
    metadataProvider: Logger.MetadataProvider? = nil,
    now: @escaping @Sendable () -> Date = { Date() }
  ) {
    self.label = label
    self.service = service
    self.format = format
    self.output = output
    self.metadataProvider = metadataProvider
    self.now = now
  }

  public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  public func log(event: LogEvent) {
    var merged = metadata
    if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
    if let own = event.metadata { merged.merge(own) { _, new in new } }
    switch format {
    case .json: output.write(jsonLine(event, merged))
    case .text: output.write(textLine(event, merged))
    }
  }

  private func jsonLine(_ event: LogEvent, _ metadata: Logger.Metadata) -> String {
    var line = "{\"ts\":\"\(LogFormatting.timestamp(now()))\",\"level\":\"\(event.level.rawValue)\",\"service\":"
    LogFormatting.appendJSONString(service, to: &line)
    line += ",\"logger\":"
    LogFormatting.appendJSONString(label, to: &line)
    line += ",\"message\":"
    LogFormatting.appendJSONString(event.message.description, to: &line)
    line += ",\"source\":"
    LogFormatting.appendJSONString(event.source, to: &line)
    if let error = event.error {
      line += ",\"error\":"
      LogFormatting.appendJSONString(String(describing: error), to: &line)
    }
    for key in metadata.keys.sorted() {
      line += ","
      LogFormatting.appendJSONString(Self.fixedFields.contains(key) ? "meta_" + key : key, to: &line)
      line += ":"
      Self.appendJSON(metadata[key]!, to: &line)
    }
    return line + "}\n"
  }

  private static func appendJSON(_ value: Logger.Metadata.Value, to line: inout String) {
    switch value {
    case .string(let text): LogFormatting.appendJSONString(text, to: &line)
    case .stringConvertible(let convertible): LogFormatting.appendJSONString(convertible.description, to: &line)
    case .array(let values):
      line += "["
      for (index, element) in values.enumerated() {
        if index > 0 { line += "," }
        appendJSON(element, to: &line)
      }
      line += "]"
    case .dictionary(let members):
      line += "{"
      for (index, key) in members.keys.sorted().enumerated() {
        if index > 0 { line += "," }
        LogFormatting.appendJSONString(key, to: &line)
        line += ":"
        appendJSON(members[key]!, to: &line)
      }
      line += "}"
    }
  }

  private func textLine(_ event: LogEvent, _ metadata: Logger.Metadata) -> String {
    var line = "\(LogFormatting.timestamp(now())) \(event.level.rawValue) \(service)[\(label)] \(event.message)"
    if let error = event.error { line += " error=" + Self.quoted(String(describing: error)) }
    for key in metadata.keys.sorted() {
      line += " \(key)=" + Self.quoted(metadata[key]!.description)
    }
    return line + "\n"
  }

  /// The value as is, or JSON-quoted when it is empty or has spaces, quotes, `=` or
  /// control characters.
  private static func quoted(_ value: String) -> String {
    let plain = !value.isEmpty && value.unicodeScalars.allSatisfy { $0.value > 0x20 && $0 != "\"" && $0 != "=" }
    if plain { return value }
    var result = ""
    LogFormatting.appendJSONString(value, to: &result)
    return result
  }
}
