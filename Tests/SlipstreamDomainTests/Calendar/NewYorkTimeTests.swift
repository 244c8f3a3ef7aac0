import Foundation
import Testing

@testable import SlipstreamDomain

@Suite("NewYorkTime (pure-Swift America/New_York)")
struct NewYorkTimeTests {
  @Test("offset and wall clock agree with Foundation for every hour of 2024–2027")
  func everyHourAgainstFoundation() {
    let zone = NewYorkOracle.zone
    let calendar = NewYorkOracle.calendar
    let start = NewYorkOracle.utc(2024, 1, 1, 0) / 1_000_000_000
    let end = NewYorkOracle.utc(2028, 1, 1, 0) / 1_000_000_000
    var checked = 0
    var offsetMismatches: [Int64] = []
    var wallMismatches: [Int64] = []
    for utc in stride(from: start, to: end, by: 3600) {
      // Also probe the last second of each hour, where an off-by-one switch would show.
      for probe in [utc, utc + 3599] {
        let date = Date(timeIntervalSince1970: Double(probe))
        if NewYorkTime.utcOffsetSeconds(atUTCSeconds: probe) != zone.secondsFromGMT(for: date) {
          offsetMismatches.append(probe)
        }
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let local = NewYorkTime.localDateTime(atUTCSeconds: probe)
        if local.date.year != c.year || local.date.month != c.month || local.date.day != c.day
          || local.time.hour != c.hour || local.time.minute != c.minute || local.time.second != c.second
        {
          wallMismatches.append(probe)
        }
        checked += 1
      }
    }
    #expect(checked == 2 * 35_064)
    #expect(offsetMismatches.isEmpty)
    #expect(wallMismatches.isEmpty)
  }

  /// (year, spring-forward instant in UTC, fall-back instant in UTC) from the published US rule.
  static let switches: [(Int, Int64, Int64)] = [
    (2024, NewYorkOracle.utc(2024, 3, 10, 7), NewYorkOracle.utc(2024, 11, 3, 6)),
    (2025, NewYorkOracle.utc(2025, 3, 9, 7), NewYorkOracle.utc(2025, 11, 2, 6)),
    (2026, NewYorkOracle.utc(2026, 3, 8, 7), NewYorkOracle.utc(2026, 11, 1, 6)),
    (2027, NewYorkOracle.utc(2027, 3, 14, 7), NewYorkOracle.utc(2027, 11, 7, 6)),
  ]

  @Test("switch instants match the US rule", arguments: switches)
  func switchInstants(year: Int, springNs: Int64, fallNs: Int64) {
    #expect(NewYorkTime.daylightTimeStartUTCSeconds(year: year) * 1_000_000_000 == springNs)
    #expect(NewYorkTime.daylightTimeEndUTCSeconds(year: year) * 1_000_000_000 == fallNs)
    let spring = springNs / 1_000_000_000
    let fall = fallNs / 1_000_000_000
    #expect(NewYorkTime.utcOffsetSeconds(atUTCSeconds: spring - 1) == -18_000)
    #expect(NewYorkTime.utcOffsetSeconds(atUTCSeconds: spring) == -14_400)
    #expect(NewYorkTime.utcOffsetSeconds(atUTCSeconds: fall - 1) == -14_400)
    #expect(NewYorkTime.utcOffsetSeconds(atUTCSeconds: fall) == -18_000)
    // Wall clocks: 01:59:59 EST → 03:00:00 EDT, and 01:59:59 EDT → 01:00:00 EST.
    #expect(NewYorkTime.localDateTime(atUTCSeconds: spring - 1).time.description == "01:59:59")
    #expect(NewYorkTime.localDateTime(atUTCSeconds: spring).time.description == "03:00")
    #expect(NewYorkTime.localDateTime(atUTCSeconds: fall - 1).time.description == "01:59:59")
    #expect(NewYorkTime.localDateTime(atUTCSeconds: fall).time.description == "01:00")
  }

  @Test("02:30 on the spring-forward day does not exist", arguments: switches)
  func skippedHalfPastTwo(year: Int, springNs: Int64, fallNs: Int64) {
    let day = NewYorkTime.localDateTime(atUTCSeconds: springNs / 1_000_000_000).date
    let local = LocalDateTime(date: day, time: LocalTime(hour: 2, minute: 30)!)
    #expect(NewYorkTime.resolve(local) == .skipped(nextValidUTCSeconds: springNs / 1_000_000_000))
    #expect(NewYorkTime.firstUTCSeconds(atOrAfter: local) == springNs / 1_000_000_000)
    // 01:30 and 03:30 that day are unique, an hour of real time apart.
    let before = NewYorkTime.resolve(LocalDateTime(date: day, time: LocalTime(hour: 1, minute: 30)!))
    let after = NewYorkTime.resolve(LocalDateTime(date: day, time: LocalTime(hour: 3, minute: 30)!))
    #expect(before == .unique(utcSeconds: springNs / 1_000_000_000 - 1800))
    #expect(after == .unique(utcSeconds: springNs / 1_000_000_000 + 1800))
  }

  @Test("01:30 on the fall-back day happens twice", arguments: switches)
  func repeatedHalfPastOne(year: Int, springNs: Int64, fallNs: Int64) {
    let fall = fallNs / 1_000_000_000
    let day = NewYorkTime.localDateTime(atUTCSeconds: fall).date
    let local = LocalDateTime(date: day, time: LocalTime(hour: 1, minute: 30)!)
    #expect(NewYorkTime.resolve(local) == .repeated(earlierUTCSeconds: fall - 1800, laterUTCSeconds: fall + 1800))
    #expect(NewYorkTime.firstUTCSeconds(atOrAfter: local) == fall - 1800)
    // Foundation picks the same first occurrence.
    let oracle = NewYorkOracle.ns(day.year, day.month, day.day, 1, 30) / 1_000_000_000
    #expect(oracle == fall - 1800)
    let twoAM = NewYorkTime.resolve(LocalDateTime(date: day, time: LocalTime(hour: 2, minute: 0)!))
    #expect(twoAM == .unique(utcSeconds: fall + 3600))
  }

  @Test("every local hour of 2024–2027 resolves back to itself")
  func resolveRoundTrip() {
    let first = CivilDate(year: 2024, month: 1, day: 1)!.daysSinceEpoch
    let last = CivilDate(year: 2027, month: 12, day: 31)!.daysSinceEpoch
    var failures = 0
    var skipped = 0
    var repeated = 0
    for day in first...last {
      for hour in 0..<24 {
        let local = LocalDateTime(
          date: CivilDate(daysSinceEpoch: day), time: LocalTime(hour: hour, minute: 30)!)
        switch NewYorkTime.resolve(local) {
        case .unique(let utc):
          if NewYorkTime.localDateTime(atUTCSeconds: utc) != local { failures += 1 }
        case .repeated(let earlier, let later):
          repeated += 1
          if NewYorkTime.localDateTime(atUTCSeconds: earlier) != local
            || NewYorkTime.localDateTime(atUTCSeconds: later) != local || later - earlier != 3600
          {
            failures += 1
          }
        case .skipped:
          skipped += 1
        }
      }
    }
    #expect(failures == 0)
    #expect(skipped == 4)
    #expect(repeated == 4)
  }
}
