import Foundation
import SlipstreamServiceRuntime
import Testing

/// A service section as a service would declare it. (Synthesized `Decodable` requires
/// every non-optional key even when the property has an initial value.)
struct PricingSettings: Decodable, Equatable {
  var capacity: Int
  var maxSpreadPct: Double?
  var symbols: [String]?
  var feed: Feed?

  struct Feed: Decodable, Equatable {
    var kind: String
    var replaySpeed: Double?
  }
}

/// A section whose properties all have defaults.
struct OptionalSettings: Decodable, Equatable {
  var capacity: Int?
  var name: String?
}

@Suite("Configuration: service sections")
struct SectionDecodingTests {
  @Test func sectionDecodesSnakeCaseKeysFromTheFile() throws {
    let fixture = try ConfigurationFixture(file: """
      {"pricing": {"capacity": 10, "max_spread_pct": 0.2, "symbols": ["AAPL", "MSFT"],
                   "feed": {"kind": "csv", "replay_speed": 4}}}
      """)
    let settings = try fixture.load().section("pricing", as: PricingSettings.self)
    #expect(
      settings
        == PricingSettings(capacity: 10, maxSpreadPct: 0.2, symbols: ["AAPL", "MSFT"], feed: .init(kind: "csv", replaySpeed: 4))
    )
  }

  @Test func environmentOverridesTheFileKeyByKey() throws {
    let fixture = try ConfigurationFixture(file: #"{"pricing": {"capacity": 10, "feed": {"kind": "csv", "replay_speed": 4}}}"#)
    let configuration = try fixture.load(environment: [
      "PRICING__CAPACITY": "50",
      "PRICING__MAX_SPREAD_PCT": "0.25",
      "PRICING__SYMBOLS": #"["BTC/USD"]"#,
      "PRICING__FEED__KIND": "alpaca",
      "OTHER__CAPACITY": "1",
    ])
    let settings = try configuration.section("pricing", as: PricingSettings.self)
    #expect(
      settings
        == PricingSettings(capacity: 50, maxSpreadPct: 0.25, symbols: ["BTC/USD"], feed: .init(kind: "alpaca", replaySpeed: 4))
    )
  }

  @Test func environmentNumberIsAStringWhenTheTypeWantsOne() throws {
    let configuration = try ConfigurationFixture().load(environment: ["PRICING__CAPACITY": "3", "PRICING__SYMBOLS": "[\"1\"]", "PRICING__FEED__KIND": "42"])
    let settings = try configuration.section("pricing", as: PricingSettings.self)
    #expect(settings.feed?.kind == "42")
    #expect(settings.symbols == ["1"])
    #expect(settings.capacity == 3)
  }

  @Test func missingSectionDecodesFromAnEmptyObject() throws {
    let settings = try ConfigurationFixture().load().section("pricing", as: OptionalSettings.self)
    #expect(settings == OptionalSettings())
  }

  @Test func wrongTypeInTheFileNamesFileAndKey() throws {
    let fixture = try ConfigurationFixture(file: #"{"pricing": {"capacity": "abc"}}"#)
    #expect(
      sectionError(try fixture.load()) == #"config \#(fileName): pricing.capacity: expected an integer, found "abc""#
    )
  }

  @Test func wrongTypeInTheEnvironmentNamesTheVariable() throws {
    let configuration = try ConfigurationFixture().load(environment: ["PRICING__CAPACITY": "abc"])
    #expect(sectionError(configuration) == #"environment PRICING__CAPACITY: expected an integer, found "abc""#)
  }

  @Test func wrongTypeInANestedKey() throws {
    let fixture = try ConfigurationFixture(file: #"{"pricing": {"capacity": 1, "feed": {"kind": "csv", "replay_speed": "fast"}}}"#)
    #expect(
      sectionError(try fixture.load())
        == #"config \#(fileName): pricing.feed.replay_speed: expected a number, found "fast""#
    )
  }

  @Test func wrongElementInAnArray() throws {
    let fixture = try ConfigurationFixture(file: #"{"pricing": {"capacity": 1, "symbols": ["AAPL", 7]}}"#)
    #expect(sectionError(try fixture.load()) == "config \(fileName): pricing.symbols.1: expected a string, found 7")
  }

  @Test func missingRequiredKeySaysWhereToSetIt() throws {
    let fixture = try ConfigurationFixture(file: #"{"pricing": {}}"#)
    #expect(
      sectionError(try fixture.load())
        == "pricing.capacity: required but not set (set it in config \(fileName) or with PRICING__CAPACITY)"
    )
    #expect(
      sectionError(try ConfigurationFixture().load())
        == "pricing.capacity: required but not set (set it in a config file or with PRICING__CAPACITY)"
    )
  }

  @Test func nullForARequiredKey() throws {
    let fixture = try ConfigurationFixture(file: #"{"pricing": {"capacity": null}}"#)
    #expect(sectionError(try fixture.load()) == "config \(fileName): pricing.capacity: expected an integer, found null")
  }

  private func sectionError(_ configuration: ServiceConfiguration) -> String? {
    do {
      _ = try configuration.section("pricing", as: PricingSettings.self)
      return nil
    } catch {
      return error.message
    }
  }
}
