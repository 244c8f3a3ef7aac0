import SlipstreamHTTP2
import SlipstreamTestSupport
import Testing

@Suite("StreamIDMap")
struct StreamIDMapTests {
  /// Checks every key the reference holds, a few it does not, and the counts.
  func expectSame(_ map: StreamIDMap<String>, _ reference: [Int32: String], probes: [Int32]) {
    #expect(map.count == reference.count)
    #expect(map.isEmpty == reference.isEmpty)
    #expect(map.allKeys.sorted() == reference.keys.sorted())
    #expect(map.allValues.sorted() == reference.values.sorted())
    for key in probes {
      #expect(map[key] == reference[key], "key \(key)")
      #expect(map.contains(key) == (reference[key] != nil))
      #expect(map.read(key) { $0.pointee?.count } == reference[key].map { Optional($0.count) })
    }
  }

  @Test("random inserts, updates, in-place changes and removals agree with a Dictionary",
        // 64: dense, long probe runs and many collisions; Int32.max: the whole id space.
        arguments: [Int32(64), 4_096, Int32.max])
  func agreesWithDictionary(keySpace: Int32) {
    var generator = SeededGenerator(seed: UInt64(keySpace))
    var map = StreamIDMap<String>()
    var reference: [Int32: String] = [:]
    var seen: [Int32] = []
    for step in 0..<20_000 {
      // Reuse known keys most of the time, so removals and updates hit.
      let key: Int32 = seen.isEmpty || Int.random(in: 0..<3, using: &generator) == 0
        ? Int32.random(in: 1...keySpace, using: &generator)
        : seen.randomElement(using: &generator)!
      seen.append(key)
      switch Int.random(in: 0..<10, using: &generator) {
      case 0..<4:
        map[key] = "v\(step)"
        reference[key] = "v\(step)"
      case 4..<7:
        #expect(map.removeValue(forKey: key) == reference.removeValue(forKey: key))
      case 7:
        let changed = map.withValue(forKey: key) { (value: inout String) -> Int in
          value += "+"
          return value.count
        }
        if reference[key] != nil { reference[key]! += "+" }
        #expect(changed == reference[key]?.count)
      case 8:
        map[key] = nil
        reference[key] = nil
      default:
        #expect(map[key] == reference[key])
      }
      if seen.count > 512 { seen.removeFirst(256) }
      // Keep the table from only growing: drain it now and then.
      if step % 5_000 == 4_999 {
        for key in reference.keys.shuffled(using: &generator) {
          #expect(map.removeValue(forKey: key) != nil)
        }
        reference.removeAll()
        #expect(map.isEmpty)
      }
      if step % 1_000 == 0 { expectSame(map, reference, probes: Array(seen.suffix(64))) }
    }
    expectSame(map, reference, probes: seen)
  }

  @Test("ids a connection uses in order: open many, close them out of order, reuse none")
  func increasingIDsAsOnAConnection() {
    var map = StreamIDMap<Int>()
    var open: [Int32] = []
    var next: Int32 = 1
    var generator = SeededGenerator(seed: 7)
    for _ in 0..<50_000 {
      if open.count < 100, Bool.random(using: &generator) {
        map[next] = Int(next)
        open.append(next)
        next += 2
      } else if !open.isEmpty {
        let key = open.remove(at: Int.random(in: 0..<open.count, using: &generator))
        #expect(map.removeValue(forKey: key) == Int(key))
      }
    }
    #expect(map.count == open.count)
    for key in open { #expect(map[key] == Int(key)) }
    #expect(map[next] == nil)
  }

  @Test("id 0, the connection, is never a key")
  func zeroIsNeverAKey() {
    var map = StreamIDMap<Int>()
    map[1] = 1
    #expect(map[0] == nil)
    #expect(!map.contains(0))
    #expect(map.removeValue(forKey: 0) == nil)
    #expect(map.withValue(forKey: 0) { $0 } == nil)
    map.removeAll()
    #expect(map.isEmpty && map[1] == nil)
  }
}
