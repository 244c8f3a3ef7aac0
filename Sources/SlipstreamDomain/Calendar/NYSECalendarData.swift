// NYSE holidays and early closes, from NYSE Group's published calendars:
// "NYSE Group Announces 2022, 2023 and 2024 Holiday and Early Closings Calendar" (2021-12-27),
// "... 2025, 2026 and 2027 ..." (2024-11-08), the 2025-01-09 closure for the national day of
// mourning for President Carter (announced 2024-12-30), and "... 2026, 2027 and 2028 ..." (2025-12-23).
// DATA ONLY: one line per date, no logic. To add a year, append its lines and widen `coveredYears`.

extension NYSECalendarEntry {
  /// The years whose every closure and early close is listed below.
  public static let coveredYears: ClosedRange<Int> = 2024...2027

  /// Every published NYSE full-day closure and early close in `coveredYears`.
  public static let published: [NYSECalendarEntry] = [
    .closed(2024, 1, 1, "New Year's Day"),
    .closed(2024, 1, 15, "Martin Luther King, Jr. Day"),
    .closed(2024, 2, 19, "Washington's Birthday"),
    .closed(2024, 3, 29, "Good Friday"),
    .closed(2024, 5, 27, "Memorial Day"),
    .closed(2024, 6, 19, "Juneteenth National Independence Day"),
    .earlyClose(2024, 7, 3, "Day before Independence Day"),
    .closed(2024, 7, 4, "Independence Day"),
    .closed(2024, 9, 2, "Labor Day"),
    .closed(2024, 11, 28, "Thanksgiving Day"),
    .earlyClose(2024, 11, 29, "Day after Thanksgiving"),
    .earlyClose(2024, 12, 24, "Christmas Eve"),
    .closed(2024, 12, 25, "Christmas Day"),

    .closed(2025, 1, 1, "New Year's Day"),
    .closed(2025, 1, 9, "National Day of Mourning for President Jimmy Carter"),
    .closed(2025, 1, 20, "Martin Luther King, Jr. Day"),
    .closed(2025, 2, 17, "Washington's Birthday"),
    .closed(2025, 4, 18, "Good Friday"),
    .closed(2025, 5, 26, "Memorial Day"),
    .closed(2025, 6, 19, "Juneteenth National Independence Day"),
    .earlyClose(2025, 7, 3, "Day before Independence Day"),
    .closed(2025, 7, 4, "Independence Day"),
    .closed(2025, 9, 1, "Labor Day"),
    .closed(2025, 11, 27, "Thanksgiving Day"),
    .earlyClose(2025, 11, 28, "Day after Thanksgiving"),
    .earlyClose(2025, 12, 24, "Christmas Eve"),
    .closed(2025, 12, 25, "Christmas Day"),

    .closed(2026, 1, 1, "New Year's Day"),
    .closed(2026, 1, 19, "Martin Luther King, Jr. Day"),
    .closed(2026, 2, 16, "Washington's Birthday"),
    .closed(2026, 4, 3, "Good Friday"),
    .closed(2026, 5, 25, "Memorial Day"),
    .closed(2026, 6, 19, "Juneteenth National Independence Day"),
    .closed(2026, 7, 3, "Independence Day (observed)"),
    .closed(2026, 9, 7, "Labor Day"),
    .closed(2026, 11, 26, "Thanksgiving Day"),
    .earlyClose(2026, 11, 27, "Day after Thanksgiving"),
    .earlyClose(2026, 12, 24, "Christmas Eve"),
    .closed(2026, 12, 25, "Christmas Day"),

    .closed(2027, 1, 1, "New Year's Day"),
    .closed(2027, 1, 18, "Martin Luther King, Jr. Day"),
    .closed(2027, 2, 15, "Washington's Birthday"),
    .closed(2027, 3, 26, "Good Friday"),
    .closed(2027, 5, 31, "Memorial Day"),
    .closed(2027, 6, 18, "Juneteenth National Independence Day (observed)"),
    .closed(2027, 7, 5, "Independence Day (observed)"),
    .closed(2027, 9, 6, "Labor Day"),
    .closed(2027, 11, 25, "Thanksgiving Day"),
    .earlyClose(2027, 11, 26, "Day after Thanksgiving"),
    .closed(2027, 12, 24, "Christmas Day (observed)"),
  ]
}
