extension Symbol {
  /// Units per contract used for notional in risk and routing: 100 for US listed options (as
  /// `InstrumentCatalog` sets it), 1 otherwise.
  var standardContractMultiplier: Quantity { assetClass == .options ? 100 : 1 }
}
