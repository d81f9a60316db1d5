package io.dirigent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.cli.client.ApiClient;
import io.dirigent.cli.client.ChannelSocket;
import io.dirigent.cli.client.CliException;
import io.dirigent.core.api.KubeJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.EnumSet;
import org.jline.terminal.Attributes;
import org.jline.terminal.Attributes.ControlChar;
import org.jline.terminal.Attributes.InputFlag;
import org.jline.terminal.Attributes.LocalFlag;
import org.jline.terminal.Attributes.OutputFlag;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dirigent exec [-i] [-t] POD -- COMMAND...}: runs a command in a container of a pod (or of
 * a workload's pod, {@code deploy/web}), over a WebSocket in Kubernetes' channel protocol. With
 * {@code -t} this terminal becomes the command's: raw mode, its size and every resize are passed on.
 * The exit code is the command's.
 */
@Command(name = "exec", description = "Run a command in a container of a pod.")
final class ExecCommand implements Callable<Integer> {

  private static final List<String> PROTOCOLS = List.of("v5.channel.k8s.io", "v4.channel.k8s.io");
  private static final int STDIN = 0;
  private static final int STDOUT = 1;
  private static final int STDERR = 2;
  private static final int ERROR = 3;
  private static final int RESIZE = 4;
  private static final int CLOSE = 255;

  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Parameters(index = "0", paramLabel = "POD", description = "The pod, or TYPE/NAME of a workload or service whose pod to use.")
  String pod;

  @Parameters(index = "1..*", paramLabel = "COMMAND", description = "The command and its arguments, after --.")
  List<String> command = new ArrayList<>();

  @Option(names = {"-i", "--stdin"}, description = "Pass this terminal's input to the command.")
  boolean stdin;

  @Option(names = {"-t", "--tty"}, description = "Give the command a terminal: this one, in raw mode.")
  boolean tty;

  @Option(names = {"-c", "--container"}, description = "The container (default: the pod's first).")
  String container;

  @Option(names = {"-q", "--quiet"}, description = "Print only what the command prints.")
  boolean quiet;

  /** The command's Status, from the error channel. */
  private final AtomicReference<JsonNode> status = new AtomicReference<>();

  @Override
  public Integer call() throws IOException {
    if (command.isEmpty()) {
      throw new CliException("you must specify at least one command for the container: exec POD -- COMMAND [ARGS...]");
    }
    ApiClient client = options.client();
    String namespace = options.namespace();
    JsonNode target = Pods.pick(client, namespace, Target.one(List.of(pod), "pods"));
    boolean terminal = tty && System.console() != null;
    if (tty && !terminal && !quiet) {
      System.err.println("Unable to use a TTY - input is not a terminal or the right kind of file");
    }
    String path = ApiClient.path(ClientOptions.resource("pods"), namespace, KubeJson.name(target)) + "/exec?" + query(terminal);
    PrintStream out = System.out;
    PrintStream err = System.err;
    // Raw before the socket opens: the command's first output (a shell's banner) comes at once.
    Terminal console = terminal ? TerminalBuilder.builder().system(true).build() : null;
    Attributes saved = console == null ? null : makeRaw(console);
    try {
      ChannelSocket socket = ChannelSocket.open(client, path, PROTOCOLS, (channel, data) -> {
        switch (channel) {
          case STDOUT -> write(out, data);
          case STDERR -> write(err, data);
          case ERROR -> status.set(KubeJson.MAPPER.readTree(data));
          default -> { }
        }
      });
      if (console != null) {
        resize(socket, console.getSize());
        console.handle(Terminal.Signal.WINCH, signal -> resize(socket, console.getSize()));
      }
      if (stdin) {
        Thread input = new Thread(() -> copyInput(System.in, socket), "exec-stdin");
        input.setDaemon(true);
        input.start();
      }
      socket.closed().toCompletableFuture().join();
    } catch (CompletionException e) {
      throw new CliException("the stream broke off: " + (e.getCause() == null ? e : e.getCause()).getMessage());
    } finally {
      if (console != null) {
        console.setAttributes(saved);
        console.close();
      }
    }
    return exitCode(status.get());
  }

  private String query(boolean terminal) {
    List<String> parameters = new ArrayList<>();
    command.forEach(part -> parameters.add("command=" + encode(part)));
    if (container != null) {
      parameters.add("container=" + encode(container));
    }
    parameters.add("stdin=" + stdin);
    parameters.add("stdout=true");
    // A terminal merges the command's error output into its output, as a real one does.
    parameters.add("stderr=" + !terminal);
    parameters.add("tty=" + terminal);
    return String.join("&", parameters);
  }

  /** Sends what this process reads, until its end; then (v5) that the command's input has ended. */
  private static void copyInput(InputStream in, ChannelSocket socket) {
    byte[] buffer = new byte[8192];
    try {
      for (int read; (read = in.read(buffer)) >= 0; ) {
        if (read > 0) {
          socket.send(STDIN, buffer, 0, read);
        }
      }
      if ("v5.channel.k8s.io".equals(socket.protocol())) {
        socket.send(CLOSE, new byte[] {STDIN}, 0, 1);
      }
    } catch (IOException | CompletionException e) {
      // The socket or the input closed: the command's end is what ends the exec.
    }
  }

  /**
   * Puts the terminal in raw mode as a remote terminal needs it (cfmakeraw): every byte goes to
   * the command as typed, Ctrl-C included, and its output is shown as it comes (the remote
   * terminal already ends lines with CR LF). Answers the settings to restore.
   */
  private static Attributes makeRaw(Terminal console) {
    Attributes saved = console.getAttributes();
    Attributes raw = new Attributes(saved);
    raw.setInputFlags(EnumSet.of(InputFlag.IGNBRK, InputFlag.BRKINT, InputFlag.PARMRK, InputFlag.ISTRIP,
        InputFlag.INLCR, InputFlag.IGNCR, InputFlag.ICRNL, InputFlag.IXON), false);
    raw.setOutputFlag(OutputFlag.OPOST, false);
    raw.setLocalFlags(EnumSet.of(LocalFlag.ECHO, LocalFlag.ECHONL, LocalFlag.ICANON, LocalFlag.ISIG, LocalFlag.IEXTEN), false);
    // Reads wait for at least one byte: a read that returns none is the end of the input to Java.
    raw.setControlChar(ControlChar.VMIN, 1);
    raw.setControlChar(ControlChar.VTIME, 0);
    console.setAttributes(raw);
    return saved;
  }

  private static void resize(ChannelSocket socket, Size size) {
    socket.send(RESIZE, "{\"Width\":%d,\"Height\":%d}".formatted(size.getColumns(), size.getRows()));
  }

  /** 0 on success; the command's exit code, said on standard error as kubectl does; 1 for any other failure. */
  private int exitCode(JsonNode status) {
    if (status == null || status.path("status").asText().equals("Success")) {
      return 0;
    }
    for (JsonNode cause : status.path("details").path("causes")) {
      if (cause.path("reason").asText().equals("ExitCode")) {
        int code = cause.path("message").asInt(1);
        if (!quiet) {
          System.err.println("command terminated with exit code " + code);
        }
        return code;
      }
    }
    System.err.println("error: " + status.path("message").asText("the command failed"));
    return 1;
  }

  private static void write(OutputStream stream, byte[] data) throws IOException {
    stream.write(data);
    stream.flush();
  }

  private static String encode(String value) {
    return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }
}
