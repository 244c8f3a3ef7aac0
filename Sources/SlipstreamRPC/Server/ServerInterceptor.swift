/// Runs around every server call: authentication, logging, metrics, tracing.
///
/// Throw an ``RPCError`` to refuse the call (e.g. UNAUTHENTICATED) without running the
/// handler; call `next` to continue. `next` throws what the handler threw, so an
/// interceptor sees every outcome.
public protocol ServerInterceptor: Sendable {
  /// Intercepts one call.
  /// - Parameters:
  ///   - context: The call's context.
  ///   - next: The rest of the chain and the handler.
  func intercept(
    _ context: ServerContext,
    next: @Sendable (ServerContext) async throws -> Void
  ) async throws
}
