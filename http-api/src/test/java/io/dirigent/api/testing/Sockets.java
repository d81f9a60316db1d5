package io.dirigent.api.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** Raw sockets to a test server, for what an HTTP client would hide. */
public final class Sockets {

  private Sockets() {}

  /**
   * Whether the server has closed its side: a read sees the end of the stream (or a reset) within
   * {@code millis}, after whatever the server sent before closing.
   */
  public static boolean closedByServer(Socket socket, int millis) throws IOException {
    int before = socket.getSoTimeout();
    socket.setSoTimeout(millis);
    try {
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[8192];
      int read;
      while ((read = in.read(buffer)) > 0) {
        // what the server sent before closing
      }
      return read < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    } finally {
      if (!socket.isClosed()) {
        socket.setSoTimeout(before);
      }
    }
  }
}
