import Foundation
import Logging
import SlipstreamServiceRuntime
import Testing

@Suite("Configuration: defaults, file < environment < flags, validation")
struct ServiceConfigurationTests {
  @Test func defaultsWithoutFileEnvironmentOrFlags() throws {
    let configuration = try ConfigurationFixture().load()
    #expect(configuration.configFile == nil)
    #expect(configuration.service == "test-service")
    #expect(
      configuration.server
        == ServerSettings(
          host: "127.0.0.1",
          port: 50051,
          transport: .developmentTLS,
          metricsPort: .port(9464),
          logFormat: .text,
          logLevel: .info,
          stateDirectory: ".slipstream"
        )
    )
  }

  @Test func serviceDefaultsApplyUnderEveryLayer() throws {
    let fixture = try ConfigurationFixture()
    let flags = try CoreFlags.parse([])
    let configuration = try ServiceConfiguration.load(
      service: "x",
      flags: flags,
      defaults: ServerDefaults(host: "0.0.0.0", port: 6001, metricsPort: .disabled),
      environment: [:],
      workingDirectory: fixture.directory.path
    )
    #expect(configuration.server.host == "0.0.0.0")
    #expect(configuration.server.port == 6001)
    #expect(configuration.server.metricsPort == .disabled)
  }

  @Test func fileIsReadFromTheConventionalPlace() throws {
    let fixture = try ConfigurationFixture(file: """
      {"server": {"host": "0.0.0.0", "port": 6000, "plaintext": true, "metrics_port": 0,
                  "log_format": "json", "log_level": "debug", "state_dir": "/var/lib/x",
                  "handlers": "event-loop"}}
      """)
    let configuration = try fixture.load()
    #expect(configuration.configFile == fileName)
    #expect(
      configuration.server
        == ServerSettings(
          host: "0.0.0.0",
          port: 6000,
          transport: .plaintext,
          metricsPort: .port(0),
          logFormat: .json,
          logLevel: .debug,
          stateDirectory: "/var/lib/x",
          handlers: .eventLoop
        )
    )
  }

  @Test func configFlagNamesTheFile() throws {
    let fixture = try ConfigurationFixture(file: #"{"server": {"port": 1}}"#)
    let other = try fixture.directory.write(#"{"server": {"port": 2}}"#, to: "other.json")
    let configuration = try fixture.load(["--config", other])
    #expect(configuration.configFile == other)
    #expect(configuration.server.port == 2)
  }

  @Test func environmentOverridesFileAndFlagsOverrideBoth() throws {
    let fixture = try ConfigurationFixture(file: #"{"server": {"port": 6000, "host": "10.0.0.1", "log_level": "debug"}}"#)
    let environment = ["SERVER__PORT": "6001", "SERVER__HOST": "10.0.0.2"]
    let fromEnvironment = try fixture.load(environment: environment)
    #expect(fromEnvironment.server.port == 6001)
    #expect(fromEnvironment.server.host == "10.0.0.2")
    #expect(fromEnvironment.server.logLevel == .debug)  // untouched file key survives

    let fromFlags = try fixture.load(["--port", "6002"], environment: environment)
    #expect(fromFlags.server.port == 6002)
    #expect(fromFlags.server.host == "10.0.0.2")
  }

  @Test func everyFlagSetsItsSetting() throws {
    let fixture = try ConfigurationFixture()
    let configuration = try fixture.load([
      "--host", "::1", "--port", "7000", "--tls-cert", fixture.cert, "--tls-key", fixture.key, "--tls-ca", fixture.ca,
      "--metrics-port", "off", "--log-format", "json", "--log-level", "trace", "--state-dir", "/tmp/state",
      "--handlers", "event-loop",
    ])
    #expect(
      configuration.server
        == ServerSettings(
          host: "::1",
          port: 7000,
          transport: .tls(TLSFiles(certificate: fixture.cert, privateKey: fixture.key, clientCA: fixture.ca)),
          metricsPort: .disabled,
          logFormat: .json,
          logLevel: .trace,
          stateDirectory: "/tmp/state",
          handlers: .eventLoop
        )
    )
  }

  @Test func environmentSetsTLSFilesAndMetricsPort() throws {
    let fixture = try ConfigurationFixture()
    let configuration = try fixture.load(environment: [
      "SERVER__TLS__CERT": fixture.cert, "SERVER__TLS__KEY": fixture.key, "SERVER__METRICS_PORT": "9999",
    ])
    #expect(configuration.server.transport == .tls(TLSFiles(certificate: fixture.cert, privateKey: fixture.key)))
    #expect(configuration.server.metricsPort == .port(9999))
  }

  @Test func environmentMaySetAWholeObjectAsJSON() throws {
    let fixture = try ConfigurationFixture()
    let configuration = try fixture.load(environment: ["SERVER__TLS": #"{"cert": "\#(fixture.cert)", "key": "\#(fixture.key)"}"#])
    #expect(configuration.server.transport == .tls(TLSFiles(certificate: fixture.cert, privateKey: fixture.key)))
    #expect(
      fixture.error(environment: ["SERVER__TLS": #"{"crt": "x"}"#])
        == "environment SERVER__TLS: unknown key server.tls.crt (known keys: server.tls.cert, server.tls.key, server.tls.ca)"
    )
  }

  @Test func noPlaintextFlagOverridesFilePlaintext() throws {
    let fixture = try ConfigurationFixture(file: #"{"server": {"plaintext": true}}"#)
    #expect(try fixture.load().server.transport == .plaintext)
    #expect(try fixture.load(["--no-plaintext"]).server.transport == .developmentTLS)
  }

  @Test func numericHostFromTheEnvironmentIsAString() throws {
    // SERVER__STATE_DIR=2024 parses as a JSON number; the setting wants the text.
    let configuration = try ConfigurationFixture().load(environment: ["SERVER__STATE_DIR": "2024"])
    #expect(configuration.server.stateDirectory == "2024")
  }

  struct Case: CustomTestStringConvertible, Sendable {
    var arguments: [String] = []
    var environment: [String: String] = [:]
    var file: String? = nil
    var expected: String
    var testDescription: String { expected }
  }

  static let invalid: [Case] = [
    Case(arguments: ["--port", "70000"], expected: "--port: port 70000 is out of range 0…65535"),
    Case(environment: ["SERVER__PORT": "70000"], expected: "environment SERVER__PORT: port 70000 is out of range 0…65535"),
    Case(environment: ["SERVER__PORT": "-1"], expected: "environment SERVER__PORT: port -1 is out of range 0…65535"),
    Case(file: #"{"server": {"port": 70000}}"#, expected: "config \(fileName): server.port: port 70000 is out of range 0…65535"),
    Case(file: #"{"server": {"port": "abc"}}"#, expected: #"config \#(fileName): server.port: expected an integer, found "abc""#),
    Case(environment: ["SERVER__PORT": "abc"], expected: #"environment SERVER__PORT: expected an integer, found "abc""#),
    Case(arguments: ["--metrics-port", "70000"], expected: "--metrics-port: metrics port 70000 is out of range 0…65535"),
    Case(arguments: ["--metrics-port", "none"], expected: #"--metrics-port: expected a port number or "off", found "none""#),
    Case(
      environment: ["SERVER__METRICS_PORT": "65536"],
      expected: "environment SERVER__METRICS_PORT: metrics port 65536 is out of range 0…65535"
    ),
    Case(arguments: ["--log-format", "xml"], expected: #"--log-format: unknown log format "xml" (expected json or text)"#),
    Case(arguments: ["--handlers", "threads"], expected: #"--handlers: unknown handler placement "threads" (expected pool or event-loop)"#),
    Case(
      file: #"{"server": {"handlers": "loop"}}"#,
      expected: #"config \#(fileName): server.handlers: unknown handler placement "loop" (expected pool or event-loop)"#
    ),
    Case(
      file: #"{"server": {"log_level": "loud"}}"#,
      expected: #"config \#(fileName): server.log_level: unknown log level "loud" (expected trace, debug, info, notice, warning, error, or critical)"#
    ),
    Case(
      environment: ["SERVER__LOG_LEVEL": "verbose"],
      expected: #"environment SERVER__LOG_LEVEL: unknown log level "verbose" (expected trace, debug, info, notice, warning, error, or critical)"#
    ),
    Case(file: #"{"server": {"plaintext": "yes"}}"#, expected: #"config \#(fileName): server.plaintext: expected true or false, found "yes""#),
    Case(file: #"{"server": {"host": 5}}"#, expected: "config \(fileName): server.host: expected a string, found 5"),
    Case(arguments: ["--host", ""], expected: "--host: the host is empty"),
    Case(file: #"{"server": []}"#, expected: "config \(fileName): server: expected an object, found an array"),
    Case(file: #"{"server": {"tls": "on"}}"#, expected: #"config \#(fileName): server.tls: expected an object, found "on""#),
    Case(
      file: #"{"server": {"prot": 1}}"#,
      expected: "config \(fileName): server.prot: unknown key server.prot (known keys: server.host, server.port, server.plaintext, server.tls, server.metrics_port, server.log_format, server.log_level, server.state_dir, server.handlers)"
    ),
    Case(
      file: #"{"server": {"tls": {"certificate": "x"}}}"#,
      expected: "config \(fileName): server.tls.certificate: unknown key server.tls.certificate (known keys: server.tls.cert, server.tls.key, server.tls.ca)"
    ),
    Case(
      environment: ["SERVER__PROT": "1"],
      expected: "environment SERVER__PROT: unknown key server.prot (known keys: server.host, server.port, server.plaintext, server.tls, server.metrics_port, server.log_format, server.log_level, server.state_dir, server.handlers)"
    ),
    Case(
      environment: ["SERVER__TLS__CERTS": "x"],
      expected: "environment SERVER__TLS__CERTS: unknown key server.tls.certs (known keys: server.tls.cert, server.tls.key, server.tls.ca)"
    ),
    Case(
      file: #"{"server": {"port": 1 "host": "x"}}"#,
      expected: "config \(fileName): not valid JSON: Invalid value at line 1, column 23"
    ),
    Case(file: "[1, 2]", expected: "config \(fileName): expected a JSON object at the top level, found an array"),
    Case(arguments: ["--state-dir", ""], expected: "--state-dir: the state directory is empty"),
  ]

  @Test(arguments: invalid)
  func invalidValuesAreRejectedNamingSourceAndKey(_ invalid: Case) throws {
    let fixture = try ConfigurationFixture(file: invalid.file)
    #expect(fixture.error(invalid.arguments, environment: invalid.environment) == invalid.expected)
  }

  @Test func malformedJSONNamesTheLine() throws {
    let fixture = try ConfigurationFixture(file: "{\n  \"server\": {\n    \"port\": 1,,\n  }\n}")
    #expect(fixture.error() == "config \(fileName): not valid JSON: Invalid value at line 3, column 15")
  }

  @Test func unreadableFileSaysWhy() throws {
    let fixture = try ConfigurationFixture()
    #expect(fixture.error(["--config", "/nonexistent/x.json"]) == "config /nonexistent/x.json: cannot read the file: no such file")
    try fixture.directory.write("", to: "dir/placeholder")
    #expect(
      fixture.error(["--config", fixture.directory.path + "/dir"])
        == "config \(fixture.directory.path)/dir: cannot read the file: it is a directory"
    )
  }
}

@Suite("Configuration: TLS combinations")
struct TLSConfigurationTests {
  @Test func certWithoutKeyNamesTheMissingFlag() throws {
    let fixture = try ConfigurationFixture()
    #expect(fixture.error(["--tls-cert", fixture.cert]) == "--tls-cert given without --tls-key")
    #expect(fixture.error(["--tls-key", fixture.key]) == "--tls-key given without --tls-cert")
    #expect(fixture.error(["--tls-ca", fixture.ca]) == "--tls-ca given without --tls-cert and --tls-key")
  }

  @Test func certWithoutKeyInTheEnvironment() throws {
    let fixture = try ConfigurationFixture()
    #expect(fixture.error(environment: ["SERVER__TLS__CERT": fixture.cert]) == "SERVER__TLS__CERT given without SERVER__TLS__KEY")
  }

  @Test func certWithoutKeyInTheFile() throws {
    let fixture = try ConfigurationFixture()
    try fixture.directory.write(#"{"server": {"tls": {"cert": "\#(fixture.cert)"}}}"#, to: fileName)
    #expect(fixture.error() == "server.tls.cert in config \(fileName) given without server.tls.key")
  }

  @Test func keyFromTheFileCompletesACertFromAFlag() throws {
    let fixture = try ConfigurationFixture()
    try fixture.directory.write(#"{"server": {"tls": {"key": "\#(fixture.key)"}}}"#, to: fileName)
    let configuration = try fixture.load(["--tls-cert", fixture.cert])
    #expect(configuration.server.transport == .tls(TLSFiles(certificate: fixture.cert, privateKey: fixture.key)))
  }

  @Test func plaintextWithCertificateFilesIsAnError() throws {
    let fixture = try ConfigurationFixture()
    #expect(
      fixture.error(["--plaintext", "--tls-cert", fixture.cert, "--tls-key", fixture.key])
        == "--plaintext cannot be combined with --tls-cert: plaintext turns TLS off"
    )
    #expect(
      fixture.error(["--tls-ca", fixture.ca], environment: ["SERVER__PLAINTEXT": "true"])
        == "SERVER__PLAINTEXT cannot be combined with --tls-ca: plaintext turns TLS off"
    )
  }

  @Test func missingCertificateFileIsNamed() throws {
    let fixture = try ConfigurationFixture()
    #expect(
      fixture.error(["--tls-cert", "/nonexistent/cert.pem", "--tls-key", fixture.key])
        == "--tls-cert: cannot read /nonexistent/cert.pem (no such file, or not readable)"
    )
  }
}
