import SlipstreamDomain

/// One message from Alpaca's market-data stream, as this adapter understands it.
///
/// Source: https://docs.alpaca.markets/docs/streaming-market-data and
/// https://docs.alpaca.markets/docs/real-time-stock-pricing-data (quote schema).
package enum AlpacaMessage: Sendable, Hashable {
  /// `{"T":"success","msg":"connected"}`: the welcome after the websocket opens.
  case connected
  /// `{"T":"success","msg":"authenticated"}`.
  case authenticated
  /// Any other success message.
  case success(String)
  /// The whole current subscription, sent after each subscribe or unsubscribe.
  case subscription(AlpacaSubscription)
  /// `{"T":"error","code":…,"msg":…}`.
  case error(code: AlpacaErrorCode, message: String)
  /// `{"T":"q",…}` read into the domain's quote.
  case quote(Quote)
  /// Another data type (trades, bars, statuses, …) this adapter does not use.
  case other(type: String)
  /// A message that could not be read; the rest of the frame is still used.
  case malformed(AlpacaMessageError)
}

/// Reads websocket text frames of Alpaca's stream into ``AlpacaMessage``s.
package enum AlpacaMessageDecoder {
  /// Decodes one frame: a JSON array of messages (control messages come alone, data points
  /// may be batched). A frame that is not such an array gives one `.malformed`; a bad element
  /// gives `.malformed` in its place and the others are still decoded.
  /// - Parameters:
  ///   - frame: the frame's payload (UTF-8 JSON).
  ///   - receiveTime: stamped on every quote as ``Quote/receiveTime``.
  package static func decode(_ frame: [UInt8], receiveTime: Timestamp) -> [AlpacaMessage] {
    let root: JSONValue
    do {
      root = try JSONParser.parse(frame)
    } catch {
      return [.malformed(AlpacaMessageError(messageType: nil, symbol: nil, reason: error.description))]
    }
    guard case .array(let elements) = root else {
      return [
        .malformed(
          AlpacaMessageError(messageType: nil, symbol: nil, reason: "expected a JSON array, got \(root.kindName)"))
      ]
    }
    return elements.map { decodeMessage($0, receiveTime: receiveTime) }
  }

  /// Decodes one element of a frame's array.
  package static func decodeMessage(_ value: JSONValue, receiveTime: Timestamp) -> AlpacaMessage {
    guard case .object = value else {
      return .malformed(AlpacaMessageError(messageType: nil, symbol: nil, reason: "expected an object, got \(value.kindName)"))
    }
    guard case .string(let type)? = value["T"] else {
      return .malformed(AlpacaMessageError(messageType: nil, symbol: nil, reason: "no string field 'T'"))
    }
    do throws(AlpacaMessageError) {
      switch type {
      case "success":
        let message = try string(value, "msg", type: type)
        switch message {
        case "connected": return .connected
        case "authenticated": return .authenticated
        default: return .success(message)
        }
      case "error":
        guard case .number(let text)? = value["code"], let code = Int(text) else {
          throw AlpacaMessageError(messageType: type, symbol: nil, reason: "field 'code' is not an integer")
        }
        return .error(code: AlpacaErrorCode(rawValue: code), message: try string(value, "msg", type: type))
      case "subscription":
        return .subscription(
          AlpacaSubscription(
            quotes: try stringList(value, "quotes", type: type),
            trades: try stringList(value, "trades", type: type),
            bars: try stringList(value, "bars", type: type)))
      case "q":
        return .quote(try quote(value, receiveTime: receiveTime))
      default:
        return .other(type: type)
      }
    } catch {
      return .malformed(error)
    }
  }

  private static func string(_ value: JSONValue, _ key: String, type: String) throws(AlpacaMessageError) -> String {
    guard case .string(let text)? = value[key] else {
      throw AlpacaMessageError(messageType: type, symbol: nil, reason: "no string field '\(key)'")
    }
    return text
  }

  /// A list of symbols; a missing list is empty (the server omits channels it does not offer).
  private static func stringList(_ value: JSONValue, _ key: String, type: String) throws(AlpacaMessageError) -> [String] {
    guard let field = value[key] else { return [] }
    guard case .array(let elements) = field else {
      throw AlpacaMessageError(messageType: type, symbol: nil, reason: "field '\(key)' is not an array")
    }
    var result: [String] = []
    for element in elements {
      guard case .string(let text) = element else {
        throw AlpacaMessageError(messageType: type, symbol: nil, reason: "field '\(key)' has a non-string element")
      }
      result.append(text)
    }
    return result
  }

  private static func quote(_ value: JSONValue, receiveTime: Timestamp) throws(AlpacaMessageError) -> Quote {
    guard case .string(let symbolText)? = value["S"] else {
      throw AlpacaMessageError(messageType: "q", symbol: nil, reason: "no string field 'S'")
    }
    func fail(_ reason: String) -> AlpacaMessageError {
      AlpacaMessageError(messageType: "q", symbol: symbolText, reason: reason)
    }
    let symbol: Symbol
    do {
      symbol = try Symbol(symbolText)
    } catch {
      throw fail("field 'S': \(error)")
    }
    func amount(_ key: String) throws(AlpacaMessageError) -> FixedDecimal {
      guard let field = value[key] else { throw fail("no field '\(key)'") }
      guard case .number(let literal) = field else { throw fail("field '\(key)' is a \(field.kindName), not a number") }
      let amount: FixedDecimal
      do {
        amount = try FixedDecimal(jsonNumber: literal)
      } catch {
        throw fail("field '\(key)': \(error)")
      }
      guard !amount.isNegative else { throw fail("field '\(key)' is negative (\(literal))") }
      return amount
    }
    let bid = try amount("bp")
    let ask = try amount("ap")
    let bidSize = try amount("bs")
    let askSize = try amount("as")
    guard case .string(let timeText)? = value["t"] else { throw fail("no string field 't'") }
    guard let eventTime = Timestamp(rfc3339: timeText) else {
      throw fail("field 't' ('\(timeText)') is not an RFC 3339 timestamp with at most 9 fraction digits")
    }
    return Quote(
      symbol: symbol, bid: Price(value: bid), ask: Price(value: ask), bidSize: Quantity(value: bidSize),
      askSize: Quantity(value: askSize), eventTime: eventTime, receiveTime: receiveTime)
  }
}
