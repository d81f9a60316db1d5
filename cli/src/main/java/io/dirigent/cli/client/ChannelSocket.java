package io.dirigent.cli.client;

import java.io.ByteArrayOutputStream;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A WebSocket in Kubernetes' channel protocol, the client's side (exec, port forwarding): every
 * message is one channel byte followed by the data. Received messages are handed over whole, one at
 * a time, in order; sends are serialised, each finished before the next starts.
 */
public final class ChannelSocket implements AutoCloseable {

  /** What is done with each message; a failure aborts the socket. */
  public interface Receiver {
    void onMessage(int channel, byte[] data) throws Exception;
  }

  private final WebSocket socket;
  private final CompletableFuture<Void> closed;

  private ChannelSocket(WebSocket socket, CompletableFuture<Void> closed) {
    this.socket = socket;
    this.closed = closed;
  }

  /** Opens the socket at {@code path}, offering {@code protocols} in order of preference. */
  public static ChannelSocket open(ApiClient client, String path, List<String> protocols, Receiver receiver) {
    CompletableFuture<Void> closed = new CompletableFuture<>();
    WebSocket socket = client.webSocket(path, protocols, new Listener(receiver, closed));
    return new ChannelSocket(socket, closed);
  }

  /** The subprotocol the server chose. */
  public String protocol() {
    return socket.getSubprotocol();
  }

  public void send(int channel, byte[] data, int offset, int length) {
    ByteBuffer message = ByteBuffer.allocate(length + 1);
    message.put((byte) channel).put(data, offset, length).flip();
    synchronized (this) {
      socket.sendBinary(message, true).join();
    }
  }

  public void send(int channel, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    send(channel, bytes, 0, bytes.length);
  }

  /** Completes when the server closes the socket (or it fails). */
  public CompletionStage<Void> closed() {
    return closed;
  }

  /** Closes the socket from this side; the server's close completes {@link #closed()}. */
  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      synchronized (this) {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(failure -> null);
      }
    }
  }

  /** Stops at once, without the closing handshake. */
  public void abort() {
    socket.abort();
    closed.complete(null);
  }

  /** Collects each message's fragments and hands the whole message on. */
  private static final class Listener implements WebSocket.Listener {
    private final Receiver receiver;
    private final CompletableFuture<Void> closed;
    private final ByteArrayOutputStream message = new ByteArrayOutputStream();

    Listener(Receiver receiver, CompletableFuture<Void> closed) {
      this.receiver = receiver;
      this.closed = closed;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      message.writeBytes(bytes);
      if (last) {
        deliver(socket);
      }
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      message.writeBytes(data.toString().getBytes(StandardCharsets.UTF_8));
      if (last) {
        deliver(socket);
      }
      socket.request(1);
      return null;
    }

    private void deliver(WebSocket socket) {
      byte[] whole = message.toByteArray();
      message.reset();
      if (whole.length == 0) {
        return;
      }
      try {
        receiver.onMessage(whole[0] & 0xff, java.util.Arrays.copyOfRange(whole, 1, whole.length));
      } catch (Exception e) {
        socket.abort();
        closed.completeExceptionally(e);
      }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
      closed.complete(null);
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      closed.completeExceptionally(error);
    }
  }
}
