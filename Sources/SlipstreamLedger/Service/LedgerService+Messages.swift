import SlipstreamAPI
import SlipstreamDomain

// Ledger values as API messages.

extension Slipstream_Types_V1_Decimal {
  init(_ value: FixedDecimal) {
    self.init()
    self.value = value.description
  }
}

extension Slipstream_Types_V1_Symbol {
  init(_ symbol: Symbol) {
    self.init()
    ticker = symbol.value
    switch symbol.assetClass {
    case .equity: assetClass = .equity
    case .forex: assetClass = .forex
    case .crypto: assetClass = .crypto
    case .options: assetClass = .option
    }
  }
}

extension Slipstream_Ledger_V1_Trade {
  init(_ recorded: RecordedTrade) {
    self.init(recorded.trade)
    recordedAtNs = recorded.recordedAt.nanosecondsSinceEpoch
  }

  /// The trade as sent to RecordTrade (the ledger's stamps unset).
  package init(_ trade: LedgerTrade) {
    self.init()
    tradeID = trade.tradeID
    owner.tenantID = trade.tenantID
    owner.userID = trade.userID
    owner.strategyID = trade.strategyID
    broker = trade.broker
    brokerExecutionID = trade.brokerExecutionID
    orderID = trade.orderID
    clientOrderID = trade.clientOrderID
    symbol = Slipstream_Types_V1_Symbol(trade.symbol)
    side = trade.side == .buy ? .buy : .sell
    quantity = Slipstream_Types_V1_Decimal(trade.quantity.value)
    price = Slipstream_Types_V1_Decimal(trade.price.value)
    fees = Slipstream_Types_V1_Decimal(trade.fees)
    currency = trade.currency.code
    executedAtNs = trade.executedAt.nanosecondsSinceEpoch
    routeDecisionID = trade.routeDecisionID
    correlationID = trade.correlationID
  }
}

extension Slipstream_Ledger_V1_GetCostBasisResponse {
  init(_ report: CostBasisReport) {
    self.init()
    method = report.method == .fifo ? .fifo : .average
    quantity = Slipstream_Types_V1_Decimal(report.quantity.value)
    totalCost = Slipstream_Types_V1_Decimal(report.totalCost.amount)
    averageCost = Slipstream_Types_V1_Decimal(report.averageCost?.value ?? .zero)
    lots = report.lots.map { lot in
      var message = Slipstream_Ledger_V1_Lot()
      message.tradeID = lot.tradeID
      message.quantity = Slipstream_Types_V1_Decimal(lot.quantity.value)
      message.unitCost = Slipstream_Types_V1_Decimal(lot.unitCost.value)
      message.openedAtNs = lot.openedAt.nanosecondsSinceEpoch
      return message
    }
    realizedPnl = Slipstream_Types_V1_Decimal(report.realizedPnL.amount)
  }
}

extension Slipstream_Ledger_V1_GetPnLResponse {
  init(_ report: PnLReport, symbols: [String: Symbol]) {
    self.init()
    realized = Slipstream_Types_V1_Decimal(report.realized.amount)
    unrealized = Slipstream_Types_V1_Decimal(report.unrealized.amount)
    fees = Slipstream_Types_V1_Decimal(report.fees.amount)
    total = Slipstream_Types_V1_Decimal(report.total.amount)
    lines = report.lines.map { line in
      var message = Slipstream_Ledger_V1_PnLLine()
      message.owner.tenantID = line.tenantID
      message.owner.userID = line.userID
      message.owner.strategyID = line.strategyID
      if let symbol = symbols[line.symbol] { message.symbol = Slipstream_Types_V1_Symbol(symbol) }
      message.quantity = Slipstream_Types_V1_Decimal(line.quantity.value)
      message.realized = Slipstream_Types_V1_Decimal(line.realized.amount)
      message.unrealized = Slipstream_Types_V1_Decimal(line.unrealized.amount)
      message.fees = Slipstream_Types_V1_Decimal(line.fees.amount)
      return message
    }
    unmarked = report.unmarked.compactMap { symbols[$0].map(Slipstream_Types_V1_Symbol.init) }
  }
}

extension Slipstream_Ledger_V1_VerifyAuditResponse {
  init(_ verification: AuditVerification) {
    self.init()
    intact = verification.intact
    entriesChecked = verification.entriesChecked
    if let link = verification.firstBrokenLink {
      firstBrokenLink.sequence = link.sequence
      firstBrokenLink.decisionID = link.recordID
      firstBrokenLink.expectedHash = link.expectedHash
      firstBrokenLink.storedHash = link.storedHash
    }
  }
}

extension Slipstream_Ledger_V1_BrokerConnection {
  init(_ stored: RecordedBrokerConnection) {
    self.init()
    let record = stored.record
    broker = record.broker
    switch record.state {
    case .connected: state = .connected
    case .degraded: state = .degraded
    case .disconnected: state = .disconnected
    case .disabled: state = .disabled
    }
    assetClasses = record.assetClasses.sorted { $0.rawValue < $1.rawValue }.map { assetClass in
      switch assetClass {
      case .equity: return .equity
      case .forex: return .forex
      case .crypto: return .crypto
      case .options: return .option
      }
    }
    feeSchedule = record.feeSchedule.mapValues(Slipstream_Types_V1_Decimal.init)
    priority = record.priority
    lastSyncNs = record.lastSync?.nanosecondsSinceEpoch ?? 0
    recordedAtNs = stored.recordedAt.nanosecondsSinceEpoch
    sequence = stored.auditSequence
  }
}
