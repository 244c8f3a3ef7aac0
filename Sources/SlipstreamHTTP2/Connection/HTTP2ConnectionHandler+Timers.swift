import NIOCore

extension HTTP2ConnectionHandler {
  /// Arms the SETTINGS, idle and keepalive timers when the connection starts.
  func armTimersAtStart() {
    self.settingsTimer = self.schedule(after: TimeAmount(self.configuration.settingsTimeout)) { handler in
      handler.perform(handler.lifecycle.settingsTimerFired())
    }
    if let idle = self.configuration.idleTimeout {
      self.idleTimer = self.schedule(after: TimeAmount(idle)) { handler in handler.idleTimerFired() }
    }
    self.armKeepalive()
  }

  func idleTimerFired() {
    guard let idle = self.configuration.idleTimeout else { return }
    self.perform(self.lifecycle.idleTimerFired(now: self.now, timeout: TimeAmount(idle)))
  }

  private func armKeepalive() {
    guard let keepalive = self.configuration.keepalive else { return }
    self.keepaliveTimer = self.schedule(after: TimeAmount(keepalive.interval)) { handler in
      handler.perform(handler.lifecycle.pingDue())
      handler.armKeepalive()
    }
  }

  func cancelTimers() {
    self.settingsTimer?.cancel()
    self.idleTimer?.cancel()
    self.keepaliveTimer?.cancel()
    self.pingTimeoutTimer?.cancel()
    self.shutdownTimer?.cancel()
    self.settingsTimer = nil
    self.idleTimer = nil
    self.keepaliveTimer = nil
    self.pingTimeoutTimer = nil
    self.shutdownTimer = nil
  }

  func schedule(after delay: TimeAmount, _ body: @escaping (HTTP2ConnectionHandler) -> Void) -> Scheduled<Void>? {
    self.schedule(at: self.now + delay, body)
  }

  /// The event loop's clock (virtual on an EmbeddedEventLoop, so tests can advance it).
  var now: NIODeadline { self.context?.eventLoop.now ?? .now() }

  func schedule(at deadline: NIODeadline, _ body: @escaping (HTTP2ConnectionHandler) -> Void) -> Scheduled<Void>? {
    guard let context = self.context, !self.isClosed else { return nil }
    return context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
      guard !self.isClosed else { return }
      body(self)
    }
  }
}
