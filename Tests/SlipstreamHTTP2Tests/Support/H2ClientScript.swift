import Foundation

/// The independent python-h2 client used by the interop tests, kept as Swift source so the test
/// target has no unhandled resource; run as `python3 -c <source> HOST PORT …` (no file is
/// written, so test runs leave nothing in the temporary directory).
enum H2ClientScript {
  /// Python's arguments to run the client with `arguments`.
  static func pythonArguments(_ arguments: [String]) -> [String] {
    ["-c", source] + arguments
  }

  static let source = #"""
"""Independent HTTP/2 client (python-h2 over a raw socket) for the interop tests.

usage: h2_client.py HOST PORT PATH BODY_LEN [big-header]
Sends POST PATH with BODY_LEN pattern bytes (byte i = (i*7+3) % 251), reads the response and
prints one JSON line: status, body_ok, body_len, trailers, reset (RST_STREAM code or null).
"""
import json
import socket
import sys

import h2.config
import h2.connection
import h2.events

host, port, path, body_len = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
big_header = len(sys.argv) > 5 and sys.argv[5] == "big-header"
body = bytes((i * 7 + 3) % 251 for i in range(body_len))

sock = socket.create_connection((host, port), timeout=60)
conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
conn.initiate_connection()
sid = conn.get_next_available_stream_id()
headers = [(":method", "POST"), (":scheme", "http"), (":authority", f"{host}:{port}"), (":path", path),
           ("content-type", "application/octet-stream")]
if big_header:
    headers.append(("x-big", "a" * 9000))
conn.send_headers(sid, headers, end_stream=(body_len == 0))
sock.sendall(conn.data_to_send())

result = {"status": None, "body_len": 0, "trailers": {}, "reset": None}
received = bytearray()
offset = 0
done = False
while not done:
    # send as much body as flow control allows
    while offset < body_len and result["reset"] is None:
        window = min(conn.local_flow_control_window(sid), conn.max_outbound_frame_size)
        if window <= 0:
            break
        chunk = body[offset:offset + window]
        offset += len(chunk)
        conn.send_data(sid, chunk, end_stream=(offset == body_len))
    sock.sendall(conn.data_to_send())
    data = sock.recv(65536)
    if not data:
        break
    for event in conn.receive_data(data):
        if isinstance(event, h2.events.ResponseReceived):
            result["status"] = dict(event.headers)[":status"]
        elif isinstance(event, h2.events.DataReceived):
            received.extend(event.data)
            conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
        elif isinstance(event, h2.events.TrailersReceived):
            result["trailers"] = dict(event.headers)
        elif isinstance(event, h2.events.StreamEnded):
            done = True
        elif isinstance(event, h2.events.StreamReset):
            result["reset"] = int(event.error_code)
            done = True
    sock.sendall(conn.data_to_send())

conn.close_connection()
sock.sendall(conn.data_to_send())
sock.close()
result["body_len"] = len(received)
result["body_ok"] = bytes(received) == body
print(json.dumps(result))
"""#
}
