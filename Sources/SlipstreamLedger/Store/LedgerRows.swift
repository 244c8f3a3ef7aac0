import SlipstreamDomain

// Rows of the ledger tables as ordered text values, in the column order of `LedgerSchema`.
// Both stores write and read these; decimals are canonical fixed-point text.

extension LedgerTrade {
  /// The row of either trade path.
  package func rowValues(recordedAt: Timestamp, auditSequence: UInt64) -> [String] {
    [
      tenantID, tradeID, userID, strategyID, broker, brokerExecutionID, orderID, clientOrderID,
      symbol.value, symbol.assetClass.rawValue, side.rawValue, quantity.value.description,
      price.value.description, fees.description, currency.code, String(executedAt.nanosecondsSinceEpoch),
      String(recordedAt.nanosecondsSinceEpoch), routeDecisionID, correlationID, String(auditSequence),
    ]
  }
}

extension RecordedTrade {
  /// Decodes a row of either trade path.
  /// - Throws: `LedgerError.storage` if a stored value does not parse (the row was damaged).
  package init(row: [String]) throws(LedgerError) {
    guard row.count == LedgerSchema.tenantTrades.columns.count else {
      throw .storage(reason: "a trade row has \(row.count) columns, expected \(LedgerSchema.tenantTrades.columns.count)")
    }
    do {
      let symbol = try Symbol(row[8])
      guard symbol.assetClass.rawValue == row[9] else {
        throw LedgerError.storage(reason: "stored symbol \(row[8]) is not of asset class \(row[9])")
      }
      guard let side = OrderSide(rawValue: row[10]) else {
        throw LedgerError.storage(reason: "stored side '\(row[10])' is unknown")
      }
      let trade = LedgerTrade(
        tradeID: row[1], tenantID: row[0], userID: row[2], strategyID: row[3], broker: row[4],
        brokerExecutionID: row[5], orderID: row[6], clientOrderID: row[7], symbol: symbol, side: side,
        quantity: try Quantity(row[11]), price: try Price(row[12]), fees: try FixedDecimal(row[13]),
        currency: try Currency(row[14]), executedAt: Timestamp(nanosecondsSinceEpoch: try Self.integer(row[15])),
        routeDecisionID: row[17], correlationID: row[18]
      )
      self.init(
        trade: trade,
        recordedAt: Timestamp(nanosecondsSinceEpoch: try Self.integer(row[16])),
        auditSequence: UInt64(try Self.integer(row[19]))
      )
    } catch let error as LedgerError {
      throw error
    } catch {
      throw .storage(reason: "stored trade '\(row[1])' does not decode: \(error)")
    }
  }

  private static func integer(_ text: String) throws(LedgerError) -> Int64 {
    guard let value = Int64(text) else { throw .storage(reason: "stored integer '\(text)' does not parse") }
    return value
  }
}

extension RouteDecisionRecord {
  /// The decision log row.
  package func rowValues(recordedAt: Timestamp, auditSequence: UInt64) -> [String] {
    let scores = CanonicalText.encode(
      self.scores.map {
        CanonicalText.encode([$0.broker, $0.cost.description, $0.speed.description, $0.fill.description, $0.total.description])
      }
    )
    let exclusions = CanonicalText.encode(self.exclusions.map { CanonicalText.encode([$0.broker, $0.reason, $0.detail]) })
    return [
      tenantID, decisionID, userID, strategyID, intentID, symbol, outcome.rawValue, broker, scores,
      spreadPercent.description, thresholdPercent.description, reason, estimatedSlippage.description,
      estimatedFees.description, CanonicalText.encode(failoverChain), exclusions, matchedRuleID, correlationID,
      String(decidedAt.nanosecondsSinceEpoch), String(recordedAt.nanosecondsSinceEpoch), String(auditSequence),
    ]
  }

  /// The part of a decision row that is the decision itself (without the ledger's stamps).
  package static func content(ofRow row: [String]) -> ArraySlice<String> { row.dropLast(2) }
}

extension BrokerConnectionRecord {
  /// The broker connection row.
  package func rowValues(recordedAt: Timestamp, auditSequence: UInt64) -> [String] {
    [
      tenantID, broker, state.rawValue, CanonicalText.encode(assetClasses.map(\.rawValue).sorted()),
      CanonicalText.encode(feeSchedule.sorted { $0.key < $1.key }.map { CanonicalText.encode([$0.key, $0.value.description]) }),
      String(priority), String(lastSync?.nanosecondsSinceEpoch ?? 0), String(recordedAt.nanosecondsSinceEpoch),
      String(auditSequence),
    ]
  }
}

extension RecordedBrokerConnection {
  /// Decodes a broker connection row.
  /// - Throws: `LedgerError.storage` if a stored value does not parse (the row was damaged).
  package init(row: [String]) throws(LedgerError) {
    guard row.count == LedgerSchema.brokerConnections.columns.count else {
      throw .storage(reason: "a broker connection row has \(row.count) columns, expected \(LedgerSchema.brokerConnections.columns.count)")
    }
    func damaged(_ what: String) -> LedgerError {
      .storage(reason: "stored broker connection \(row[1]) (audit entry \(row[8])): \(what) does not decode")
    }
    guard let state = BrokerConnectionRecord.State(rawValue: row[2]) else { throw damaged("state '\(row[2])'") }
    guard let classNames = CanonicalText.decode(row[3]) else { throw damaged("asset classes") }
    var assetClasses: Set<AssetClass> = []
    for name in classNames {
      guard let assetClass = AssetClass(rawValue: name) else { throw damaged("asset class '\(name)'") }
      assetClasses.insert(assetClass)
    }
    guard let entries = CanonicalText.decode(row[4]) else { throw damaged("fee schedule") }
    var feeSchedule: [String: FixedDecimal] = [:]
    for entry in entries {
      guard let pair = CanonicalText.decode(entry), pair.count == 2, let rate = try? FixedDecimal(pair[1]) else {
        throw damaged("fee schedule")
      }
      feeSchedule[pair[0]] = rate
    }
    guard let priority = Int64(row[5]), let lastSync = Int64(row[6]), let recordedAt = Int64(row[7]),
      let sequence = UInt64(row[8])
    else { throw damaged("a number") }
    self.init(
      record: BrokerConnectionRecord(
        tenantID: row[0], broker: row[1], state: state, assetClasses: assetClasses, feeSchedule: feeSchedule,
        priority: priority, lastSync: lastSync == 0 ? nil : Timestamp(nanosecondsSinceEpoch: lastSync)
      ),
      recordedAt: Timestamp(nanosecondsSinceEpoch: recordedAt),
      auditSequence: sequence
    )
  }
}
