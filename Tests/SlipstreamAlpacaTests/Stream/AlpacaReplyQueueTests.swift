import Testing

@testable import SlipstreamAlpaca

@Suite("Matching control replies to requests")
struct AlpacaReplyQueueTests {
  @Test("each reply answers the oldest request of its kind")
  func kinds() {
    var queue = AlpacaReplyQueue()
    let welcome = queue.register(.welcome)
    let auth = queue.register(.authentication)
    #expect(queue.match(.authenticated)?.id == auth)
    #expect(queue.match(.connected)?.id == welcome)
    #expect(queue.isEmpty)
  }

  @Test("subscription replies answer requests in order")
  func order() {
    var queue = AlpacaReplyQueue()
    let first = queue.register(.subscription)
    let second = queue.register(.subscription)
    let reply = AlpacaMessage.subscription(AlpacaSubscription(quotes: ["AAPL"]))
    let matched = queue.match(reply)
    #expect(matched?.id == first)
    #expect(matched?.reply == .success(reply))
    #expect(queue.match(reply)?.id == second)
    #expect(queue.match(reply) == nil)
  }

  @Test("an error answers the oldest request of any kind")
  func errors() {
    var queue = AlpacaReplyQueue()
    let auth = queue.register(.authentication)
    _ = queue.register(.subscription)
    let matched = queue.match(.error(code: 406, message: "connection limit exceeded"))
    #expect(matched?.id == auth)
    #expect(matched?.reply == .failure(.server(code: 406, message: "connection limit exceeded")))
  }

  @Test("407 slow client and data messages answer nothing")
  func unsolicited() {
    var queue = AlpacaReplyQueue()
    let id = queue.register(.subscription)
    #expect(queue.match(.error(code: .slowClient, message: "slow client")) == nil)
    #expect(queue.match(.other(type: "t")) == nil)
    #expect(queue.match(.success("other")) == nil)
    #expect(queue.match(.connected) == nil)
    #expect(queue.remove(id) == .subscription)
    #expect(queue.remove(id) == nil)
    #expect(queue.match(.error(code: 500, message: "internal error")) == nil)
  }

  @Test("removing all returns the ids oldest first")
  func removeAll() {
    var queue = AlpacaReplyQueue()
    let ids = [queue.register(.welcome), queue.register(.authentication), queue.register(.subscription)]
    #expect(queue.removeAll() == ids)
    #expect(queue.isEmpty)
  }
}
