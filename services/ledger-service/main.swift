import ArgumentParser
import Foundation
import SlipstreamLedger
import SlipstreamServiceRuntime

/// `ledger-service`: the two-path trade ledger (tenant ledger + user portfolio history) with
/// idempotent RecordTrade, the hash-chained audit log and tenant isolation, on SQLite or PostgreSQL.
@main
struct LedgerServiceCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ledger-service",
    abstract: "Slipstream's ledger service: durable two-path trade ledger with a hash-chained audit log.",
    discussion: CoreFlags.discussion + "\n\n"
      + "Ledger settings live in the config file's \"ledger\" section and in LEDGER__* variables "
      + "(e.g. LEDGER__STORAGE=postgres, LEDGER__POSTGRES_URL=postgres://...); the flags below win over both.\n\n"
      + "Storage: \"sqlite\" (default; the file ledger.sqlite in the state directory) or \"postgres\" "
      + "(ledger.postgres_url, e.g. postgres://ledger:secret@127.0.0.1:5432/ledger?sslmode=disable).\n\n"
      + "Callers: every call names its tenant with a client certificate whose subject alternative name "
      + "URI is slipstream://tenant/<tenant id> (ledger.certificate_mapping: [\"tenant_uri\"], optionally "
      + "\"common_name\"), or with a header 'authorization: Bearer <token>'. The config holds only each "
      + "token's SHA-256, in hex: ledger.tokens = [{\"tenant_id\": \"acme\", \"sha256\": \"<hex>\"}], made with\n"
      + "  printf %s \"$TOKEN\" | sha256sum\n"
      + "or set as JSON in the environment: LEDGER__TOKENS='[{\"tenant_id\":\"acme\",\"sha256\":\"...\"}]'. "
      + "The development client certificate (state_dir/dev-pki/client.crt) names no tenant, so a local "
      + "tool connects with it (mutual TLS) and sends a bearer token from the config.\n"
  )

  @OptionGroup var core: CoreFlags

  @Option(help: ArgumentHelp("Storage backend: sqlite or postgres (ledger.storage). Default: sqlite.", valueName: "backend"))
  var storage: String?

  @Option(help: ArgumentHelp("The SQLite database file; implies --storage sqlite (ledger.sqlite_path). Default: <state_dir>/ledger.sqlite.", valueName: "file"))
  var sqlitePath: String?

  @Option(help: ArgumentHelp("The PostgreSQL URL; implies --storage postgres (ledger.postgres_url).", valueName: "url"))
  var postgresURL: String?

  func run() async throws {
    let configuration = try ServiceConfiguration.load(
      service: "ledger-service", flags: core, defaults: ServerDefaults(port: 50064, metricsPort: .port(9464)))
    var settings = try configuration.section("ledger", as: LedgerSettings.self)
    if let storage { settings.storage = storage }
    if let sqlitePath {
      settings.sqlitePath = sqlitePath
      if storage == nil { settings.storage = "sqlite" }
    }
    if let postgresURL {
      settings.postgresUrl = postgresURL
      if storage == nil { settings.storage = "postgres" }
    }
    let resolved: LedgerSettings.Resolved
    do {
      resolved = try settings.resolve(stateDirectory: configuration.server.stateDirectory)
    } catch {
      throw ValidationError("\(error)")
    }
    let runtime = try ServiceRuntime(configuration: configuration)
    let store: any LedgerStore
    do {
      store = try await resolved.storage.makeStore(options: LedgerStoreOptions(maximumBatchSize: resolved.maximumBatchSize))
    } catch {
      throw ValidationError("\(resolved.storageSetting): \(error)")
    }
    runtime.logger.info("ledger store open", metadata: [
      "storage": "\(resolved.storageName)", "tokens": "\(resolved.tokenCount)", "max_batch_size": "\(resolved.maximumBatchSize)",
    ])
    let service = LedgerService(store: store, authenticator: resolved.authenticator)
    do {
      try await runtime.run(services: [service])
    } catch {
      try? await store.close()
      throw error
    }
    try await store.close()
  }
}


/// The config file's `ledger` section (every key optional; defaults below).
struct LedgerSettings: Decodable {
  /// A bearer token grant: the tenant and the SHA-256 (hex) of the token.
  struct Token: Decodable {
    var tenantId: String?
    var sha256: String?
  }

  var storage: String?
  var sqlitePath: String?
  var postgresUrl: String?
  var maxBatchSize: Int?
  var tokens: [Token]?
  var certificateMapping: [String]?

  /// What the section resolves to.
  struct Resolved {
    var storage: LedgerStorageConfiguration
    var storageName: String
    /// The setting to name when the store cannot be opened.
    var storageSetting: String
    var maximumBatchSize: Int
    var authenticator: TenantAuthenticator
    var tokenCount: Int
  }

  /// A setting that is wrong, named with its key.
  struct Problem: Error, CustomStringConvertible {
    var description: String
  }

  /// Checks every setting.
  /// - Parameter stateDirectory: Where the SQLite file goes by default.
  /// - Throws: ``Problem`` naming the first wrong setting.
  func resolve(stateDirectory: String) throws(Problem) -> Resolved {
    let storage: LedgerStorageConfiguration
    let setting: String
    switch self.storage ?? "sqlite" {
    case "sqlite":
      let path = sqlitePath ?? (stateDirectory + "/ledger.sqlite")
      guard !path.isEmpty else { throw Problem(description: "ledger.sqlite_path: must not be empty") }
      let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
      do {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      } catch {
        throw Problem(description: "ledger.sqlite_path: cannot create the directory \(directory): \(error.localizedDescription)")
      }
      storage = .sqlite(path: path)
      setting = "ledger.sqlite_path"
    case "postgres":
      guard let url = postgresUrl, !url.isEmpty else {
        throw Problem(description: "ledger.postgres_url: required when ledger.storage is postgres (e.g. postgres://ledger@127.0.0.1:5432/ledger)")
      }
      storage = .postgres(url: url)
      setting = "ledger.postgres_url"
    case let other:
      throw Problem(description: "ledger.storage: unknown storage \"\(other)\"; use sqlite, postgres")
    }
    let batch = maxBatchSize ?? LedgerStoreOptions.defaults.maximumBatchSize
    guard (1...100_000).contains(batch) else {
      throw Problem(description: "ledger.max_batch_size: must be 1…100000, found \(batch)")
    }
    var grants: [TenantAuthenticator.BearerToken] = []
    for (index, token) in (tokens ?? []).enumerated() {
      guard let tenant = token.tenantId, !tenant.isEmpty else {
        throw Problem(description: "ledger.tokens[\(index)].tenant_id: required")
      }
      guard let digest = token.sha256 else {
        throw Problem(description: "ledger.tokens[\(index)].sha256: required (printf %s \"$TOKEN\" | sha256sum)")
      }
      do {
        grants.append(try TenantAuthenticator.BearerToken(sha256Hex: digest, tenantID: tenant))
      } catch {
        throw Problem(description: "ledger.tokens[\(index)].sha256: '\(digest)' is not 64 hex digits (printf %s \"$TOKEN\" | sha256sum)")
      }
    }
    var mappings: [TenantAuthenticator.CertificateMapping] = []
    for name in certificateMapping ?? ["tenant_uri"] {
      switch name {
      case "tenant_uri": mappings.append(.tenantURI)
      case "common_name": mappings.append(.commonName)
      default: throw Problem(description: "ledger.certificate_mapping: unknown mapping \"\(name)\"; use tenant_uri, common_name")
      }
    }
    return Resolved(
      storage: storage, storageName: self.storage ?? "sqlite", storageSetting: setting, maximumBatchSize: batch,
      authenticator: TenantAuthenticator(bearerTokens: grants, certificateMappings: mappings), tokenCount: grants.count)
  }
}
