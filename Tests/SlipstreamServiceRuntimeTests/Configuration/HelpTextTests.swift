import ArgumentParser
import SlipstreamServiceRuntime
import Testing

/// A service command as executables declare it.
struct ExampleServiceCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "example-service",
    abstract: "An example.",
    discussion: CoreFlags.discussion
  )
  @OptionGroup var core: CoreFlags
  @Option(help: "A service flag.") var csv: String?
  func run() async throws {}
}

@Suite("Configuration: --help")
struct HelpTextTests {
  @Test func helpExplainsEveryFlagTheEnvironmentAndTheFile() {
    let help = ExampleServiceCommand.helpMessage(columns: 200)
    for flag in [
      "--config <file>", "--host <host>", "--port <port>", "--tls-cert <file>", "--tls-key <file>", "--tls-ca <file>",
      "--plaintext/--no-plaintext", "--metrics-port <port|off>", "--log-format <json|text>", "--log-level <level>",
      "--state-dir <dir>", "--csv <csv>",
    ] {
      #expect(help.contains(flag), "\(flag)")
    }
    for text in ["SERVER__PORT=6000", "services/<service>/config.json", "0 picks a free one, 'off' disables it", "mutual TLS"] {
      #expect(help.contains(text), "\(text)")
    }
  }

  @Test func flagsParseIntoCoreFlags() throws {
    let command = try ExampleServiceCommand.parse(["--port", "7", "--plaintext", "--csv", "q.csv"])
    #expect(command.core.port == 7)
    #expect(command.core.plaintext == true)
    #expect(command.csv == "q.csv")
  }

  @Test func configurationErrorsArePrintedAsTheirMessage() {
    let error = ConfigurationError("environment SERVER__PORT: port 70000 is out of range 0…65535")
    #expect(ExampleServiceCommand.message(for: error) == "environment SERVER__PORT: port 70000 is out of range 0…65535")
    #expect(ExampleServiceCommand.exitCode(for: error) == .failure)
  }
}
