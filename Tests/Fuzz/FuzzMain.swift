// libFuzzer entry point for SlipstreamWire; built by Tests/Fuzz/run-fuzz.sh, not by SwiftPM.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  WireFuzzing.exercise(UnsafeRawBufferPointer(start: start, count: count))
  return 0
}
