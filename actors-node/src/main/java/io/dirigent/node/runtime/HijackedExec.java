package io.dirigent.node.runtime;

import io.dirigent.node.runtime.AttachedExec.Input;
import io.dirigent.node.runtime.AttachedExec.Output;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.apache.pekko.util.ByteString;

/**
 * The streams of one Docker exec or attach, on a connection of its own to the engine: {@code POST
 * /exec/{id}/start} (or {@code POST /containers/{id}/attach}) upgraded to a raw stream, stdin
 * written to it, output read from it (8-byte frame headers naming stdout or stderr, or raw bytes
 * with a TTY).
 *
 * <p>docker-java can attach stdin too, but cannot half-close it: a command that reads to
 * end-of-file ({@code cat}, {@code wc}, {@code sh} reading a script) would never see it. Closing
 * stdin here shuts down the connection's write side, which the engine passes on as end-of-file
 * (to an attached container only if it was created with {@code StdinOnce}, as Kubernetes'
 * {@code stdinOnce} asks).
 */
final class HijackedExec {

  private final SocketAddress engine;
  private final String path;
  private final String body;
  private final boolean tty;
  private final Executor io;
  private final BiConsumer<Integer, Integer> resize;
  private final Supplier<Integer> exitCode;
  private final CompletableFuture<SocketChannel> connected = new CompletableFuture<>();
  private final CompletableFuture<Integer> exited = new CompletableFuture<>();

  /**
   * @param dockerHost the engine's address, {@code unix:///path} or {@code tcp://host:port}
   * @param path the engine's endpoint that upgrades to the streams, with its query
   * @param body the JSON body of that request; empty for none
   * @param io where the blocking reads and writes run; each exec holds one thread while it runs
   * @param resize applies a terminal size (width, height) to the exec; called on {@code io}, in order with stdin
   * @param exitCode reads the exec's exit code once its streams have closed
   */
  HijackedExec(URI dockerHost, String path, String body, boolean tty, Executor io, BiConsumer<Integer, Integer> resize,
      Supplier<Integer> exitCode) {
    this.engine = "unix".equals(dockerHost.getScheme())
        ? UnixDomainSocketAddress.of(dockerHost.getPath())
        : new InetSocketAddress(dockerHost.getHost(), dockerHost.getPort());
    this.path = path;
    this.body = body;
    this.tty = tty;
    this.io = io;
    this.resize = resize;
    this.exitCode = exitCode;
  }

  AttachedExec attached() {
    // Started on the first demand: the command runs only once someone reads its output.
    Source<Output, NotUsed> output = Source.lazySource(() -> Source.<Output>queue(16, OverflowStrategy.backpressure())
            .mapMaterializedValue(queue -> {
              io.execute(() -> pump(queue));
              return NotUsed.getInstance();
            }))
        .mapMaterializedValue(started -> NotUsed.getInstance());
    Sink<Input, NotUsed> input = Sink.<Input>foreachAsync(1, in -> connected.thenAcceptAsync(channel -> write(channel, in), io))
        .mapMaterializedValue(done -> {
          // However the client's side ends, the command's stdin ends with it.
          done.whenComplete((ok, failure) -> connected.thenAcceptAsync(HijackedExec::closeStdin, io));
          return NotUsed.getInstance();
        });
    return new AttachedExec(Flow.fromSinkAndSource(input, output), exited);
  }

  private void write(SocketChannel channel, Input in) {
    try {
      if (in instanceof AttachedExec.Stdin stdin) {
        ByteBuffer buffer = stdin.data().asByteBuffer();
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      } else if (in instanceof AttachedExec.CloseStdin) {
        closeStdin(channel);
      } else if (in instanceof AttachedExec.Resize size) {
        resize.accept(size.width(), size.height());
      }
    } catch (IOException e) {
      // The command is gone and its output side ends the exec; what it would have read is moot.
    }
  }

  private static void closeStdin(SocketChannel channel) {
    try {
      if (channel.isOpen()) {
        channel.shutdownOutput();
      }
    } catch (IOException e) {
      // already closed
    }
  }

  /** Connects, starts the exec, and moves its output into {@code queue} until the command's streams close. */
  private void pump(SourceQueueWithComplete<Output> queue) {
    SocketChannel channel = null;
    try {
      channel = SocketChannel.open(engine);
      String request = "POST " + path + " HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n"
          + "Connection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
      ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
      while (out.hasRemaining()) {
        channel.write(out);
      }
      ByteBuffer in = ByteBuffer.allocate(32 * 1024);
      ByteString pending = readHeader(channel, in);
      // A reader that goes away (the client left) closes the connection, which ends the blocked read.
      SocketChannel open = channel;
      queue.watchCompletion().whenComplete((done, failure) -> closeQuietly(open));
      connected.complete(channel);
      ByteString buffered = pending;
      while (true) {
        if (tty) {
          if (!buffered.isEmpty()) {
            offer(queue, new Output(false, buffered));
            buffered = ByteString.emptyByteString();
          }
        } else {
          // Frames: [stream, 0, 0, 0, size (4 bytes, big-endian)] then size bytes.
          while (buffered.size() >= 8) {
            int size = ((buffered.apply(4) & 0xff) << 24) | ((buffered.apply(5) & 0xff) << 16)
                | ((buffered.apply(6) & 0xff) << 8) | (buffered.apply(7) & 0xff);
            if (buffered.size() < 8 + size) {
              break;
            }
            if (size > 0) {
              offer(queue, new Output(buffered.apply(0) == 2, buffered.slice(8, 8 + size).compact()));
            }
            buffered = buffered.drop(8 + size);
          }
        }
        in.clear();
        int read = channel.read(in);
        if (read < 0) {
          break;
        }
        in.flip();
        buffered = buffered.concat(ByteString.fromByteBuffer(in));
      }
      queue.complete();
      exited.complete(exitCode.get());
    } catch (Exception e) {
      connected.completeExceptionally(e);
      queue.fail(e);
      exited.completeExceptionally(e);
    } finally {
      closeQuietly(channel);
    }
  }

  private static void closeQuietly(SocketChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private static void offer(SourceQueueWithComplete<Output> queue, Output output) throws Exception {
    // Waiting here is the back-pressure: the engine is read no faster than the client reads.
    queue.offer(output).toCompletableFuture().get(5, TimeUnit.MINUTES);
  }

  private static int headerEnd(ByteString bytes) {
    for (int i = 0; i + 3 < bytes.size(); i++) {
      if (bytes.apply(i) == '\r' && bytes.apply(i + 1) == '\n' && bytes.apply(i + 2) == '\r' && bytes.apply(i + 3) == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** Reads the engine's answer up to the end of its headers; answers what came after them. */
  private static ByteString readHeader(SocketChannel channel, ByteBuffer in) throws IOException {
    ByteString received = ByteString.emptyByteString();
    int end;
    while ((end = headerEnd(received)) < 0) {
      in.clear();
      if (channel.read(in) < 0) {
        throw new IOException("the Docker engine closed the exec connection: " + received.utf8String());
      }
      in.flip();
      received = received.concat(ByteString.fromByteBuffer(in));
    }
    String head = received.take(end).utf8String();
    String status = head.lines().findFirst().orElse("");
    if (!status.contains(" 101 ") && !status.contains(" 200 ")) {
      ByteString rest = received.drop(end + 4);
      throw new IOException("the Docker engine refused the exec: " + status + " " + rest.utf8String().strip());
    }
    return received.drop(end + 4);
  }
}
