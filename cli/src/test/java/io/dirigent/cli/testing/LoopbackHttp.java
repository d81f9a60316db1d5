package io.dirigent.cli.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Plain HTTP/1.0 requests to 127.0.0.1, each on a fresh connection, as a service's clients send them. */
public final class LoopbackHttp {

  private LoopbackHttp() {}

  /** {@code GET /} through {@code port}: the body's last line (httpenv's "[v2 ]hostname"); an IOException for anything but a 200. */
  public static String get(int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout(3000);
      OutputStream out = socket.getOutputStream();
      out.write("GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!response.startsWith("HTTP/1.0 200") && !response.startsWith("HTTP/1.1 200")) {
        throw new IOException("not a 200: " + response.lines().findFirst().orElse(""));
      }
      return response.substring(response.lastIndexOf('\n') + 1).strip();
    }
  }
}
