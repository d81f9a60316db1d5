package io.dirigent.node.runtime;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * A command started in a container with its standard streams attached: {@link #streams()} is to
 * be run once — what flows in reaches the command, what flows out is its output, ending when the
 * command's streams close — and {@link #exitCode()} completes with how the command ended.
 */
public record AttachedExec(Flow<Input, Output, NotUsed> streams, CompletionStage<Integer> exitCode) {

  /** What a client sends a running command. */
  public sealed interface Input {}

  /** Bytes for the command's stdin. */
  public record Stdin(ByteString data) implements Input {}

  /** The end of stdin: the command reads end-of-file. */
  public record CloseStdin() implements Input {}

  /** The client's terminal changed size (with a TTY). */
  public record Resize(int width, int height) implements Input {}

  /** Output of the command, from stdout or stderr. */
  public record Output(boolean stderr, ByteString data) {}
}
