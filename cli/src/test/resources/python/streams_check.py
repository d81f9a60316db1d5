"""Drives exec and port forwarding with Kubernetes' official Python client (Debian's python3-kubernetes).

Usage: streams_check.py KUBECONFIG NAMESPACE POD LISTENER
POD runs busybox with an HTTP server on 8080 serving /www (its file "sum" holds "pong");
LISTENER's container (stdin: true) reads a line and answers "heard LINE".
Prints one JSON object with what each stream returned; exits non-zero on the first failure.
"""
import json
import select
import sys
import time

from kubernetes import client, config
from kubernetes.stream import portforward, stream

config.load_kube_config(config_file=sys.argv[1])
ns, pod, listener = sys.argv[2], sys.argv[3], sys.argv[4]
core = client.CoreV1Api()
result = {}

# Interactive exec: the client writes stdin as WebSocket text messages (v4.channel.k8s.io).
shell = stream(core.connect_get_namespaced_pod_exec, pod, ns, command=["sh"],
               stdin=True, stdout=True, stderr=True, tty=False, _preload_content=False)
shell.write_stdin("echo hello from stdin\n")
shell.write_stdin("echo to stderr >&2\n")
out, err = "", ""
deadline = time.time() + 30
while shell.is_open() and time.time() < deadline and ("hello from stdin" not in out or "to stderr" not in err):
    shell.update(timeout=1)
    out += shell.read_stdout() if shell.peek_stdout() else ""
    err += shell.read_stderr() if shell.peek_stderr() else ""
result["exec_stdout"] = out
result["exec_stderr"] = err
shell.write_stdin("exit 7\n")
shell.run_forever(timeout=30)
result["exec_returncode"] = shell.returncode
shell.close()

# v5.channel.k8s.io: text on stdin, then the close signal (255, 0) ends stdin and wc counts the UTF-8 bytes.
v5 = client.CoreV1Api(client.ApiClient(header_name="sec-websocket-protocol", header_value="v5.channel.k8s.io"))
counted = stream(v5.connect_get_namespaced_pod_exec, pod, ns, command=["wc", "-c"],
                 stdin=True, stdout=True, stderr=True, tty=False, _preload_content=False)
counted.write_stdin("h\u00e9llo\n")
counted.sock.send(bytes([255, 0]), opcode=0x2)
counted.run_forever(timeout=30)
result["v5_counted"] = counted.read_stdout().strip() if counted.peek_stdout() else ""
result["v5_returncode"] = counted.returncode
counted.close()

# With a terminal, a resize on channel 4 sets the size the command sees.
terminal = stream(v5.connect_get_namespaced_pod_exec, pod, ns, command=["sh"],
                  stdin=True, stdout=True, stderr=False, tty=True, _preload_content=False)
terminal.write_channel(4, json.dumps({"Width": 123, "Height": 45}))
terminal.write_stdin("stty size; exit\n")
seen = ""
deadline = time.time() + 30
while terminal.is_open() and time.time() < deadline and "45 123" not in seen:
    terminal.update(timeout=1)
    seen += terminal.read_stdout() if terminal.peek_stdout() else ""
result["tty_size"] = "45 123" if "45 123" in seen else seen
terminal.close()

# A non-interactive exec, output collected by the client.
result["exec_echo"] = stream(core.connect_get_namespaced_pod_exec, pod, ns, command=["echo", "plain"],
                             stdin=False, stdout=True, stderr=True, tty=False)

# Attach to a running container's own process, its stdin written as text.
attached = stream(core.connect_get_namespaced_pod_attach, listener, ns,
                  stdin=True, stdout=True, stderr=True, tty=False, _preload_content=False)
attached.write_stdin("hi there\n")
heard = ""
deadline = time.time() + 30
while attached.is_open() and time.time() < deadline and "heard" not in heard:
    attached.update(timeout=1)
    heard += attached.read_stdout() if attached.peek_stdout() else ""
result["attach_heard"] = heard
attached.close()

# Port forwarding over the plain WebSocket channel protocol: an HTTP request through the socket.
forward = portforward(core.connect_get_namespaced_pod_portforward, pod, ns, ports="8080")
sock = forward.socket(8080)
sock.setblocking(True)
sock.sendall(b"GET /sum HTTP/1.0\r\nHost: pod\r\n\r\n")
received = b""
deadline = time.time() + 30
while time.time() < deadline:
    ready, _, _ = select.select([sock], [], [], 1)
    if ready:
        chunk = sock.recv(65536)
        if not chunk:
            break
        received += chunk
result["forward_response"] = received.decode("utf-8", "replace").split("\r\n\r\n", 1)[-1]
result["forward_status"] = received.decode("utf-8", "replace").split("\r\n", 1)[0]
sock.close()
forward.close()

# A port nothing listens on: the error channel says why.
refused = portforward(core.connect_get_namespaced_pod_portforward, pod, ns, ports="9999")
rsock = refused.socket(9999)
rsock.setblocking(True)
deadline = time.time() + 30
while refused.error(9999) is None and time.time() < deadline:
    select.select([rsock], [], [], 0.2)
    if rsock.fileno() != -1:
        ready, _, _ = select.select([rsock], [], [], 0.2)
        if ready and not rsock.recv(65536):
            break
result["forward_refused_error"] = refused.error(9999)
refused.close()

print(json.dumps(result))
