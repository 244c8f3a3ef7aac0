import Foundation
import NIOCore
import SlipstreamTLS
import Testing

/// Interoperability with an independent TLS stack: CPython's `ssl` module.
@Suite("Interop with Python ssl", .enabled(if: PythonPeer.available))
struct PythonInteropTests {
  @Test("a Python client reaches our server with ALPN h2 and TLS 1.3")
  func pythonClient() async throws {
    let directory = try TemporaryDirectory()
    let caPath = try TestPKI.authority.writeFiles(to: directory.path).certificate
    let loop = Loopback.group.next()
    let serverProbe = Probe(on: loop, echo: true)
    defer { serverProbe.finish() }
    let server = try await Loopback.server(TestPKI.serverConfiguration(), probe: serverProbe)
    defer { server.close(promise: nil) }

    let output = try await PythonPeer.run(
      script: """
        import socket, ssl, sys
        ctx = ssl.create_default_context(cafile=sys.argv[2])
        ctx.set_alpn_protocols(["h2"])
        with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=60) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
                tls.sendall(b"hello from python")
                data = b""
                while len(data) < 17:
                    chunk = tls.recv(100)
                    if not chunk:
                        break
                    data += chunk
                print(tls.selected_alpn_protocol(), tls.version(), data.decode())
        """,
      arguments: ["\(server.localAddress!.port!)", caPath]
    )
    #expect(output.status == 0, "\(output.stderr)")
    #expect(output.stdout == "h2 TLSv1.3 hello from python\n")
    let handshake = try await value(serverProbe.handshake.futureResult)
    #expect(handshake.negotiatedProtocol == "h2")
  }

  @Test("a Python client with a client certificate passes our mutual TLS")
  func pythonMutualTLSClient() async throws {
    let directory = try TemporaryDirectory()
    let caPath = try TestPKI.authority.writeFiles(to: directory.path).certificate
    let client = try TestPKI.client.writeFiles(to: directory.path, name: "client")
    let loop = Loopback.group.next()
    let serverProbe = Probe(on: loop, echo: true)
    defer { serverProbe.finish() }
    let server = try await Loopback.server(TestPKI.serverConfiguration(mutualTLS: true), probe: serverProbe)
    defer { server.close(promise: nil) }

    let output = try await PythonPeer.run(
      script: """
        import socket, ssl, sys
        ctx = ssl.create_default_context(cafile=sys.argv[2])
        ctx.load_cert_chain(sys.argv[3], sys.argv[4])
        ctx.set_alpn_protocols(["h2"])
        with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=60) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
                tls.sendall(b"mtls")
                print(tls.recv(100).decode())
        """,
      arguments: ["\(server.localAddress!.port!)", caPath, client.certificate, client.privateKey]
    )
    #expect(output.status == 0, "\(output.stderr)")
    #expect(output.stdout == "mtls\n")
    let handshake = try await value(serverProbe.handshake.futureResult)
    #expect(handshake.peerIdentity?.commonName == "ledger-service")
  }

  @Test("our client reaches a Python server, verifying it, with ALPN h2")
  func pythonServer() async throws {
    let directory = try TemporaryDirectory()
    let files = try TestPKI.server.writeFiles(to: directory.path, name: "server")
    let peer = try PythonPeer.start(
      script: """
        import socket, ssl, sys
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[1], sys.argv[2])
        ctx.set_alpn_protocols(["h2"])
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        srv.settimeout(60)
        print(srv.getsockname()[1], flush=True)
        conn, _ = srv.accept()
        conn.settimeout(60)
        tls = ctx.wrap_socket(conn, server_side=True)
        data = tls.recv(100)
        tls.sendall(b"echo:" + data + b":" + tls.selected_alpn_protocol().encode())
        try:
            tls.unwrap()
        except Exception:
            pass
        conn.close()
        """,
      arguments: [files.certificate, files.privateKey]
    )
    let port = try #require(Int(try await peer.firstLine()))
    let probe = Probe(on: Loopback.group.next(), expectedBytes: "echo:ping:h2".utf8.count)
    defer { probe.finish() }
    let client = try await Loopback.client(TestPKI.clientConfiguration(), to: port, probe: probe)
    defer { client.close(promise: nil) }
    try await client.writeAndFlush(ByteBuffer(string: "ping"))
    #expect(try await value(probe.received.futureResult) == ByteBuffer(string: "echo:ping:h2"))
    let handshake = try await value(probe.handshake.futureResult)
    #expect(handshake.peerIdentity?.commonName == "localhost")
    // Python unwraps (sends close_notify); we answer and close cleanly.
    try await value(probe.closed.futureResult)
    #expect(try await value(probe.firstError.futureResult) == nil)
    let status = try await peer.exit()
    #expect(status == 0, "\(peer.stderrText())")
  }
}
