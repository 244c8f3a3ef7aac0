public import SlipstreamRPC
import Synchronization

/// The serving status of each service on a server, by name; "" is the whole server.
/// Changes are pushed to `Watch` callers at once.
public final class HealthStatusStore: Sendable {
  public typealias Status = Grpc_Health_V1_HealthCheckResponse.ServingStatus

  private struct State {
    var statuses: [String: Status] = [:]
    var watchers: [String: [Int: RPCStreamBuffer<Status>]] = [:]
    var nextWatcher = 0
  }

  private let state = Mutex(State())

  public init() {}

  /// Sets a service's status and tells its watchers.
  /// - Parameters:
  ///   - status: SERVING or NOT_SERVING.
  ///   - service: The fully qualified service name, or "" for the whole server.
  public func setStatus(_ status: Status, forService service: String) {
    let watchers = state.withLock { state -> [RPCStreamBuffer<Status>] in
      let changed = state.statuses[service] != status
      state.statuses[service] = status
      return changed ? Array(state.watchers[service, default: [:]].values) : []
    }
    for watcher in watchers { watcher.yield(status) }
  }

  /// The status of a service; nil when the service is not known.
  public func status(forService service: String) -> Status? {
    state.withLock { $0.statuses[service] }
  }

  /// Registers a watcher that first gets the current status (SERVICE_UNKNOWN when unknown).
  func watch(_ service: String) -> (id: Int, updates: RPCStreamBuffer<Status>) {
    // Statuses are tiny and change rarely; a watcher that does not read is bounded by the
    // number of changes, not by time.
    let updates = RPCStreamBuffer<Status>(highWatermark: 1024, lowWatermark: 512)
    let id = state.withLock { state -> Int in
      let id = state.nextWatcher
      state.nextWatcher += 1
      state.watchers[service, default: [:]][id] = updates
      updates.yield(state.statuses[service] ?? .serviceUnknown)
      return id
    }
    return (id, updates)
  }

  func stopWatching(_ service: String, id: Int) {
    state.withLock { state in
      state.watchers[service]?[id] = nil
      if state.watchers[service]?.isEmpty == true { state.watchers[service] = nil }
    }
  }
}

/// `grpc.health.v1.Health`: `Check` answers the current status (NOT_FOUND for an unknown
/// service, as the protocol asks); `Watch` streams the status and every change.
public struct HealthService: Grpc_Health_V1_Health.ServiceProtocol {
  public let store: HealthStatusStore

  public init(store: HealthStatusStore) {
    self.store = store
  }

  public func check(
    request: Grpc_Health_V1_HealthCheckRequest,
    context: ServerContext
  ) async throws -> Grpc_Health_V1_HealthCheckResponse {
    guard let status = store.status(forService: request.service) else {
      throw RPCError(code: .notFound, message: "Unknown service '\(request.service)'.")
    }
    return .with { $0.status = status }
  }

  public func watch(
    request: Grpc_Health_V1_HealthCheckRequest,
    writer: RPCWriter<Grpc_Health_V1_HealthCheckResponse>,
    context: ServerContext
  ) async throws {
    let (id, updates) = store.watch(request.service)
    defer { store.stopWatching(request.service, id: id) }
    while let status = try await updates.next() {
      try await writer.write(.with { $0.status = status })
    }
  }
}
