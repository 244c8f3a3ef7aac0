#if FUZZING
/// libFuzzer entry point; Tests/Fuzz/run-fuzz-http2.sh builds this target with `-DFUZZING`
/// and the fuzzer sanitizer, which supplies `main`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  HTTP2Fuzzing.exercise(UnsafeRawBufferPointer(start: start, count: count))
  return 0
}
#else
import Foundation

/// Without the fuzzer: replays the inputs named on the command line (a crash file libFuzzer
/// left in .build-fuzz-h2/artifacts/, or a corpus entry) under the debugger or a plain build.
@main
enum HTTP2FuzzReplay {
  static func main() throws {
    let paths = CommandLine.arguments.dropFirst()
    if paths.isEmpty {
      print("usage: http2-fuzzer INPUT...  (fuzzing: Tests/Fuzz/run-fuzz-http2.sh SECONDS)")
    }
    for path in paths {
      let data = try Data(contentsOf: URL(fileURLWithPath: path))
      data.withUnsafeBytes { HTTP2Fuzzing.exercise($0) }
      print("ok \(path) (\(data.count) bytes)")
    }
  }
}
#endif
