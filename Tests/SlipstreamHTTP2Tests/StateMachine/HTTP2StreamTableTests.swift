import NIOCore
import Testing

@testable import SlipstreamHTTP2

@Suite("HTTP2StreamTable")
struct HTTP2StreamTableTests {
  static func table(_ role: HTTP2Role = .server, maxHeaderListSize: Int = 100) -> HTTP2StreamTable {
    var configuration = HTTP2Configuration.defaults
    configuration.maxHeaderListSize = maxHeaderListSize
    return HTTP2StreamTable(role: role, configuration: configuration)
  }

  static func receive(_ table: inout HTTP2StreamTable, _ id: Int32, fields: [(String, String)], refuseAbove: Int32? = nil) -> HTTP2StreamTable.InboundHeaders {
    if let code = table.beginHeaders(id, refuseAbove: refuseAbove) { return .reset(code) }
    for (name, value) in fields {
      Array(name.utf8).withUnsafeBytes { nameBytes in
        Array(value.utf8).withUnsafeBytes { valueBytes in table.header(name: nameBytes, value: valueBytes) }
      }
    }
    return table.endHeaders(id)
  }

  /// Sizes count name + value + 32 per field: ":a: b" is 35, "x: <L bytes>" is 33 + L, so with
  /// a limit of 100 the list fits up to L = 32.
  @Test(
    "a header list is accepted up to maxHeaderListSize and reset with ENHANCE_YOUR_CALM above it",
    arguments: [(31, false), (32, false), (33, true)]
  )
  func headerListLimit(valueLength: Int, tooLarge: Bool) {
    var table = Self.table()
    let value = String(repeating: "v", count: valueLength)
    let result = Self.receive(&table, 1, fields: [(":a", "b"), ("x", value)])
    if tooLarge {
      #expect(result == .reset(.enhanceYourCalm))
    } else {
      #expect(result == .opened([.init(name: ":a", value: "b"), .init(name: "x", value: value)], newlyAnnounced: true))
    }
  }

  @Test("server: the first block opens and announces the stream, later blocks are trailers")
  func serverBlocks() {
    var table = Self.table()
    #expect(Self.receive(&table, 1, fields: [(":path", "/")]) == .opened([.init(name: ":path", value: "/")], newlyAnnounced: true))
    #expect(Self.receive(&table, 1, fields: [("t", "1")]) == .headers([.init(name: "t", value: "1")]))
    #expect(table.announcedStreamIDs == [1])
  }

  /// Fields repeated at the same position reuse the strings decoded before; whatever differs
  /// (value, name, length, an empty value, a longer or shorter block) is decoded anew.
  @Test("repeated header blocks decode to exactly the fields received")
  func repeatedBlocks() {
    var table = Self.table(maxHeaderListSize: 8192)
    let blocks: [[(String, String)]] = [
      [(":method", "POST"), (":path", "/bench.Quotes/GetQuote"), ("content-type", "application/grpc")],
      [(":method", "POST"), (":path", "/bench.Quotes/GetQuote"), ("content-type", "application/grpc")],
      [(":method", "POST"), (":path", "/bench.Quotes/GetQuotes"), ("content-type", "application/grpc+proto")],
      [(":method", "GET"), (":path", ""), ("content-typ", "application/grpc+proto"), ("x", "1")],
      [(":method", "POST")],
      [(":method", "POST"), (":path", "/bench.Quotes/GetQuote"), ("content-type", "application/grpc"), ("x", "2")],
    ]
    for (index, block) in blocks.enumerated() {
      let id = Int32(2 * index + 1)
      let expected = block.map { HTTP2HeaderField(name: $0.0, value: $0.1) }
      #expect(Self.receive(&table, id, fields: block) == .opened(expected, newlyAnnounced: true), "block \(index)")
    }
  }

  @Test("client: response headers of a started stream open it without announcing it again")
  func clientBlocks() {
    var table = Self.table(.client)
    table.clientStreamStarted(1, endStream: true)
    #expect(Self.receive(&table, 1, fields: [(":status", "200")]) == .opened([.init(name: ":status", value: "200")], newlyAnnounced: false))
    #expect(Self.receive(&table, 3, fields: [(":status", "200")]) == .ignore)
  }

  @Test(
    "server: after the final GOAWAY is submitted, new streams above its last id are refused",
    arguments: [(Int32(5), Int32?.none, false), (5, 3, true), (3, 3, false), (1, 3, false)]
  )
  func refuseAbove(id: Int32, last: Int32?, refused: Bool) {
    var table = Self.table()
    let result = Self.receive(&table, id, fields: [(":path", "/")], refuseAbove: last)
    #expect((result == .reset(.refusedStream)) == refused)
    #expect((table[id] != nil) == !refused)
  }

  @Test("inbound flow control: data counts as unconsumed, consume clamps, close returns the rest")
  func unconsumedBytes() {
    var table = Self.table()
    _ = Self.receive(&table, 1, fields: [(":path", "/")])
    var results: [Int] = []
    let delivered = table.dataReceived(1, count: 100)
    let unknownDelivered = table.dataReceived(3, count: 10)  // unknown stream: not delivered
    results.append(table.consume(1, count: 30))
    results.append(table.consume(1, count: 1000))
    results.append(table.consume(1, count: 1))
    let deliveredAgain = table.dataReceived(1, count: 40)
    let closed = table.streamClosed(1)
    let closedTwice = table.streamClosed(1)
    results.append(table.consume(1, count: 5))
    #expect(delivered && !unknownDelivered && deliveredAgain)
    #expect(results == [30, 70, 0, 0])
    #expect(closed?.unconsumed == 40)
    #expect(closed?.announced == true)
    #expect(closedTwice == nil)
  }

  @Test("enqueue errors: unknown stream, data before headers, data after the end")
  func enqueueErrors() {
    var table = Self.table()
    _ = Self.receive(&table, 1, fields: [(":path", "/")])
    #expect(Self.code { () throws(HTTP2Error) in _ = try table.enqueue(HTTP2StreamID(3), data: ByteBuffer(), end: nil) } == .streamNotFound)
    #expect(Self.code { () throws(HTTP2Error) in _ = try table.enqueue(HTTP2StreamID(1), data: ByteBuffer(), end: nil) } == .invalidState)
    table.headersSubmitted(1, endStream: true)
    #expect(Self.code { () throws(HTTP2Error) in _ = try table.enqueue(HTTP2StreamID(1), data: ByteBuffer(), end: nil) } == .invalidState)
  }

  @Test("a parked (deferred) stream asks to be resumed by the next enqueue, once")
  func resumeAfterDeferred() throws {
    var table = Self.table(.client)
    table.clientStreamStarted(1, endStream: false)
    #expect(table.pull(1, maxLength: 100) == .deferred)
    let first = try table.enqueue(HTTP2StreamID(1), data: ByteBuffer(bytes: [1, 2]), end: nil)
    let second = try table.enqueue(HTTP2StreamID(1), data: ByteBuffer(bytes: [3]), end: nil)
    #expect(first.resume)
    #expect(!second.resume)
    #expect(table.pull(1, maxLength: 100) == .data(length: 3, isLast: false))
  }

  static func code(_ body: () throws(HTTP2Error) -> Void) -> HTTP2Error.Code? {
    do throws(HTTP2Error) {
      try body()
      return nil
    } catch {
      return error.code
    }
  }
}
