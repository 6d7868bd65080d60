"""A client that stops reading is cut off with 4008 and never delays the others."""
import base64
import json
import os
import socket
import struct
import time
import uuid

import pika
from helpers import receive, socket as websocket




def raw_upgrade(port, token):
    """A WebSocket handshake by hand, after which this client never reads again."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=10)
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    key = base64.b64encode(os.urandom(16)).decode()
    connection.sendall((f"GET /ws?token={token} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    response = b""
    while b"\r\n\r\n" not in response:
        response += connection.recv(1)
    assert b" 101 " in response.split(b"\r\n")[0], response
    return connection


def frames_in(data: bytes):
    """(number of text frames, close code or None) of the server frames in `data`."""
    offset, texts = 0, 0
    while offset + 2 <= len(data):
        opcode, length = data[offset] & 0x0F, data[offset + 1] & 0x7F
        header = 2
        if length == 126:
            length, header = struct.unpack(">H", data[offset + 2:offset + 4])[0], 4
        elif length == 127:
            length, header = struct.unpack(">Q", data[offset + 2:offset + 10])[0], 10
        if opcode == 0x8 and length >= 2 and offset + header + 2 <= len(data):
            return texts, struct.unpack(">H", data[offset + header:offset + header + 2])[0]
        texts += opcode == 0x1
        offset += header + length
    return texts, None


def test_a_client_that_stops_reading_is_closed_with_4008_while_others_keep_up(stack, admin):
    token = admin
    port = stack.port("notifier")
    slow = raw_upgrade(port, token)
    with websocket(stack, token) as fast:
        time.sleep(0.5)
        # A burst far larger than the socket buffers between the notifier and the slow client.
        channel = pika.BlockingConnection(pika.ConnectionParameters(host="127.0.0.1", port=stack.amqp_port)).channel()
        padding = "x" * 4000
        count = 2500
        marker = str(uuid.uuid4())
        for i in range(count):
            body = json.dumps({"id": str(uuid.uuid4()), "type": "task.progressed", "version": 1,
                               "occurredAt": "2026-11-29T10:00:00.000Z", "source": "tasks",
                               "correlationId": str(uuid.uuid4()), "causationId": None,
                               "data": {"taskId": marker, "version": i + 2, "assigneeId": str(uuid.uuid4()),
                                        "progress": i % 100, "note": padding}})
            channel.basic_publish(exchange="orchestrator.events", routing_key="task.progressed", body=body,
                                  properties=pika.BasicProperties(delivery_mode=2))
        channel.connection.close()
        received = 0
        deadline = time.time() + 90
        while received < count and time.time() < deadline:
            received += sum(1 for m in receive(fast, count - received, timeout=5) if m["data"].get("taskId") == marker)
        assert received == count, "the reading client must get every event, undelayed by the slow one"
    # The slow client now reads what reached it: the server has ended its session — with the 4008
    # close frame when that frame still fitted behind the data it could not deliver — long
    # before it was sent everything.
    slow.settimeout(10)
    # Read what is left quickly: a 4 KiB window would take minutes of delayed ACKs.
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    data, ended = b"", False
    try:
        while True:
            chunk = slow.recv(1 << 20)
            if not chunk:
                ended = True
                break
            data += chunk
            if frames_in(data)[1] is not None:
                ended = True
                break
    except socket.timeout:
        pass
    texts, code = frames_in(data)
    assert ended, "the server must end a session it cannot deliver to"
    assert code in (4008, None) and texts < count, (texts, code)
