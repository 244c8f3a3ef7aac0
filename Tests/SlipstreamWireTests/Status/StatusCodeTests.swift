import Testing

@testable import SlipstreamWire

@Suite struct StatusCodeTests {
  static let table: [(StatusCode, Int, String)] = [
    (.ok, 0, "OK"), (.cancelled, 1, "CANCELLED"), (.unknown, 2, "UNKNOWN"),
    (.invalidArgument, 3, "INVALID_ARGUMENT"), (.deadlineExceeded, 4, "DEADLINE_EXCEEDED"),
    (.notFound, 5, "NOT_FOUND"), (.alreadyExists, 6, "ALREADY_EXISTS"),
    (.permissionDenied, 7, "PERMISSION_DENIED"), (.resourceExhausted, 8, "RESOURCE_EXHAUSTED"),
    (.failedPrecondition, 9, "FAILED_PRECONDITION"), (.aborted, 10, "ABORTED"),
    (.outOfRange, 11, "OUT_OF_RANGE"), (.unimplemented, 12, "UNIMPLEMENTED"),
    (.internalError, 13, "INTERNAL"), (.unavailable, 14, "UNAVAILABLE"),
    (.dataLoss, 15, "DATA_LOSS"), (.unauthenticated, 16, "UNAUTHENTICATED"),
  ]

  @Test(arguments: table)
  func rawValueAndNameRoundTrip(code: StatusCode, rawValue: Int, name: String) {
    #expect(code.rawValue == rawValue)
    #expect(code.name == name)
    #expect(StatusCode(rawValue: rawValue) == code)
    #expect(code.description == "\(name) (\(rawValue))")
  }

  @Test func allCasesAreTheSeventeenCodesInOrder() {
    #expect(StatusCode.allCases == Self.table.map(\.0))
  }

  @Test(arguments: [-1, 17, 100, Int.max, Int.min])
  func unknownRawValuesAreRefused(rawValue: Int) {
    #expect(StatusCode(rawValue: rawValue) == nil)
  }

  @Test func statusDescriptionAndOK() {
    #expect(Status.ok == Status(code: .ok, message: ""))
    #expect(Status(code: .notFound, message: "no such order").description
      == "NOT_FOUND: no such order")
    #expect(Status.ok.description == "OK")
  }
}
