import Testing

@testable import SlipstreamAlpaca

@Suite("Alpaca stream errors")
struct AlpacaStreamErrorTests {
  @Test("documented codes have hints; others are kept as is")
  func codes() {
    let documented: [AlpacaErrorCode] = [400, 401, 402, 403, 404, 405, 406, 407, 409, 410, 500]
    for code in documented {
      #expect(code.hint != nil, "code \(code)")
    }
    #expect(AlpacaErrorCode(rawValue: 412).hint == nil)
    #expect(AlpacaErrorCode.connectionLimitExceeded == 406)
  }

  @Test("the description carries code, message and what to do")
  func description() {
    let error = AlpacaStreamError.server(code: 406, message: "connection limit exceeded")
    #expect(
      error.description
        == "Alpaca stream error 406 'connection limit exceeded': another session already uses this key (the free plan allows 1); close it or share one stream"
    )
    #expect(error.serverCode == .connectionLimitExceeded)
    #expect(AlpacaStreamError.notConnected.serverCode == nil)
  }

  @Test("retrying cannot fix bad credentials or a missing plan")
  func retryable() {
    #expect(!AlpacaErrorCode.authFailed.isRetryable)
    #expect(!AlpacaErrorCode.insufficientSubscription.isRetryable)
    #expect(AlpacaErrorCode.connectionLimitExceeded.isRetryable)
    #expect(AlpacaErrorCode.internalError.isRetryable)
  }
}
