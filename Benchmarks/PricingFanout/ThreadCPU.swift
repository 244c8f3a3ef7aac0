#if canImport(Glibc)
import Glibc
#endif

/// CPU time of threads and of the whole process, read from `/proc` (Linux only; elsewhere
/// every reading is zero). Resolution is the kernel's clock tick (10 ms at USER_HZ = 100).
enum ThreadCPU {
  /// The kernel id of the calling thread (`/proc/thread-self/stat`'s first field).
  static func currentThreadID() -> Int? {
    guard let text = read("/proc/thread-self/stat"), let space = text.firstIndex(of: " ") else { return nil }
    return Int(text[..<space])
  }

  /// User + system CPU seconds of thread `tid` of this process.
  static func seconds(thread tid: Int) -> Double { seconds(statPath: "/proc/self/task/\(tid)/stat") }

  /// User + system CPU seconds of the whole process so far.
  static func processSeconds() -> Double { seconds(statPath: "/proc/self/stat") }

  private static func seconds(statPath: String) -> Double {
    // Fields after the command name's closing parenthesis start at field 3 (state);
    // utime and stime are fields 14 and 15.
    guard let text = read(statPath), let paren = text.lastIndex(of: ")") else { return 0 }
    let fields = text[text.index(after: paren)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / ticksPerSecond
  }

  private static let ticksPerSecond: Double = {
    #if canImport(Glibc)
    let ticks = sysconf(Int32(_SC_CLK_TCK))
    return ticks > 0 ? Double(ticks) : 100
    #else
    return 100
    #endif
  }()

  private static func read(_ path: String) -> String? {
    #if canImport(Glibc)
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 4096)
    let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
    guard count > 0 else { return nil }
    return String(decoding: buffer[..<count], as: UTF8.self)
    #else
    return nil
    #endif
  }
}

/// CPU seconds spent by each part of the benchmark between two readings.
struct CPUShares: Sendable {
  var serverLoops: Double
  var clientLoops: Double
  var publisher: Double
  /// Everything else: the Swift concurrency pool, where the server's StreamQuotes handlers
  /// drain mailboxes and write (the subscribers' tasks run on the client loops).
  var pool: Double
  var total: Double
}

/// Knows which kernel threads are whose, and reads their CPU time.
struct ThreadRoles: Sendable {
  var server: [Int] = []
  var client: [Int] = []
  var publisher: [Int] = []

  struct Reading: Sendable {
    let server: Double
    let client: Double
    let publisher: Double
    let process: Double
  }

  func read() -> Reading {
    Reading(
      server: server.map(ThreadCPU.seconds(thread:)).reduce(0, +),
      client: client.map(ThreadCPU.seconds(thread:)).reduce(0, +),
      publisher: publisher.map(ThreadCPU.seconds(thread:)).reduce(0, +),
      process: ThreadCPU.processSeconds())
  }

  static func shares(from start: Reading, to end: Reading) -> CPUShares {
    let server = end.server - start.server
    let client = end.client - start.client
    let publisher = end.publisher - start.publisher
    let total = end.process - start.process
    return CPUShares(
      serverLoops: server, clientLoops: client, publisher: publisher, pool: max(0, total - server - client - publisher),
      total: total)
  }
}
