package io.dirigent.node.network;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the host's networking tools ({@code ip}, {@code bridge}, {@code iptables-restore})
 * as a process of its own, never through a shell: each argument reaches the tool as it is, so
 * what the callers validated is all the tool sees. Blocking; callers run it off actor threads.
 */
public final class HostCommand {

  /** A command's exit code and its output (standard error merged in), stripped. */
  public record Result(int exit, String output) {
    public boolean ok() {
      return exit == 0;
    }
  }

  private HostCommand() {}

  /** Runs {@code command} (after {@code within}, e.g. {@code ip netns exec NAME}) with {@code input} on its standard input (none if null). */
  public static Result run(List<String> within, List<String> command, String input) throws IOException {
    List<String> full = new ArrayList<>(within);
    full.addAll(command);
    Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
    // Read on a thread of its own, so that a tool that hangs with its output open still times out.
    CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> {
      try {
        return process.getInputStream().readAllBytes();
      } catch (IOException e) {
        return new byte[0];
      }
    }, READERS);
    // The input too: a tool that reads none of it must not block this thread past the timeout.
    READERS.execute(() -> {
      try (var in = process.getOutputStream()) {
        if (input != null) {
          in.write(input.getBytes(StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        // The tool ended without reading it all; its exit code says how it went.
      }
    });
    try {
      if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(-1, String.join(" ", command) + " timed out after " + TIMEOUT.toSeconds() + " s");
      }
      return new Result(process.exitValue(), new String(output.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8).strip());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // Its output cannot be read whole: not a result anyone may act on.
      return new Result(-1, String.join(" ", command) + ": its output could not be read");
    }
  }

  /** How long a tool may take. */
  private static final java.time.Duration TIMEOUT = java.time.Duration.ofSeconds(30);

  private static final ExecutorService READERS = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "dirigent-host-command-output");
    thread.setDaemon(true);
    return thread;
  });

  public static Result run(String... command) throws IOException {
    return run(List.of(), List.of(command), null);
  }

  /** Runs {@code command} (after {@code within}); a non-zero exit is an IOException naming the command and its output. */
  public static String check(List<String> within, List<String> command) throws IOException {
    Result result = run(within, command, null);
    if (!result.ok()) {
      throw new IOException(String.join(" ", command) + " failed: " + result.output());
    }
    return result.output();
  }

  public static String check(String... command) throws IOException {
    return check(List.of(), List.of(command));
  }
}
