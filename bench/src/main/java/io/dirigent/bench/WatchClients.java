package io.dirigent.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Many watch streams held by one thread over plain non-blocking sockets: each sends one HTTP/1.1
 * GET and from then on only scans what arrives for {@code "resourceVersion":"N"}, noting when it
 * first saw each version. A client this light leaves the two cores to the server, so the fan-out
 * measurement is the server's (a full HTTP client per stream cost about as much as serving it).
 */
final class WatchClients extends WatchTally implements AutoCloseable {

  /** One stream: what it read last that may hold the start of a marker, and whether it got a 200. */
  private static final class Stream {
    final ByteBuffer request;
    byte[] carry = new byte[0];
    boolean headers;
    boolean ok;

    Stream(ByteBuffer request) {
      this.request = request;
    }
  }

  /** Streams being opened at once: more at a time overflow the server's accept queue. */
  private static final int OPENING_AT_ONCE = 200;

  private final Selector selector;
  private final InetSocketAddress server;
  private final byte[] request;
  private final Thread loop;
  /** Streams not opened yet, and those opened that have not answered; owned by the loop's thread. */
  private int toOpen;
  private int opening;
  private volatile boolean running = true;

  private WatchClients(InetSocketAddress server, String path, int count) throws IOException {
    selector = Selector.open();
    this.server = server;
    this.request = ("GET " + path + " HTTP/1.1\r\nHost: " + server.getHostString() + ":" + server.getPort()
        + "\r\nAccept: application/json\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    this.toOpen = count;
    loop = new Thread(this::run, "watch-clients");
    loop.setDaemon(true);
    loop.start();
  }

  /** Opens {@code count} watches of {@code path} on the server and starts reading them. */
  static WatchClients open(InetSocketAddress server, String path, int count) throws IOException {
    return new WatchClients(server, path, count);
  }

  /** Waits until every stream answered (200 or not) or {@code within} passed. */
  void awaitAnswered(int count, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (answeredCount() < count && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  /** CPU time the thread reading the streams has used. */
  @Override
  public long readerCpuNanos() {
    return java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(loop.getId());
  }

  private int answeredCount() {
    return open() + failed();
  }


  private void run() {
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    while (running) {
      while (toOpen > 0 && opening < OPENING_AT_ONCE) {
        try {
          SocketChannel channel = SocketChannel.open();
          channel.configureBlocking(false);
          channel.connect(server);
          channel.register(selector, SelectionKey.OP_CONNECT, new Stream(ByteBuffer.wrap(request)));
          opening++;
        } catch (IOException e) {
          answered(false);
        }
        toOpen--;
      }
      try {
        selector.select(200);
      } catch (IOException e) {
        return;
      }
      long now = System.nanoTime();
      for (SelectionKey key : selector.selectedKeys()) {
        Stream stream = (Stream) key.attachment();
        SocketChannel channel = (SocketChannel) key.channel();
        try {
          if (key.isConnectable()) {
            channel.finishConnect();
            key.interestOps(SelectionKey.OP_WRITE);
          } else if (key.isWritable()) {
            channel.write(stream.request);
            if (!stream.request.hasRemaining()) {
              key.interestOps(SelectionKey.OP_READ);
            }
          } else if (key.isReadable()) {
            buffer.clear();
            int read = channel.read(buffer);
            if (read < 0) {
              key.cancel();
              channel.close();
              continue;
            }
            received(stream, buffer.array(), read, now);
          }
        } catch (IOException e) {
          synchronized (this) {
            if (!stream.headers) {
              stream.headers = true;
              answered(false);
              opening--;
            }
          }
          key.cancel();
        }
      }
      selector.selectedKeys().clear();
    }
  }

  private synchronized void received(Stream stream, byte[] bytes, int length, long now) {
    if (!stream.headers) {
      stream.headers = true;
      opening--;
      stream.ok = new String(bytes, 0, Math.min(12, length), StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
      answered(stream.ok);
    }
    stream.carry = VersionMarks.scan(stream.carry, bytes, 0, length, version -> arrived(version, now));
  }

  @Override
  public void close() throws IOException {
    running = false;
    try {
      loop.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (SelectionKey key : selector.keys()) {
      key.channel().close();
    }
    selector.close();
  }
}
