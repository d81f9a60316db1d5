package io.dirigent.node.runtime;

import io.dirigent.node.network.HostCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives the containers of a pod whose sandbox came from the pool the pod's hostname.
 *
 * <p>The engine gives a container that joins another's network namespace the other's hostname,
 * fixed when that one was made, and refuses one of its own. A pool sandbox was made before its
 * pod was known, so its hostname is not the pod's. Each container therefore starts with a
 * command of ours in front of its own: the node's static busybox, bound in read-only at
 * {@value #TOOLS}, waits until the container's hostname is the pod's; the agent sets it from the
 * host ({@code nsenter --uts}) as soon as the engine started the container; then the command
 * becomes the container's own ({@code exec}, same process, same argv[0]), found on the
 * container's {@code PATH} as the engine finds it — not among busybox's applets. Its files
 * ({@code /etc/hostname}, {@code /etc/hosts}) are the sandbox's, which the pool rewrote for the pod.
 */
final class PooledHostnames {

  /** Where the node's busybox appears inside the container. */
  static final String TOOLS = "/.dirigent/busybox";

  /**
   * Run by busybox's shell with the pod's hostname as {@code $0} and the container's command as
   * {@code "$@"}: waits up to 30 s for the hostname, then runs the command as the engine would.
   */
  static final String SCRIPT = String.join("\n",
      // Asleep until the agent's SIGWINCH (ignored by default: one that comes early does no harm),
      // looking again every 0.2 s in case it came between a look and the sleep; the shell's own
      // read, so a look starts no process.
      "trap : WINCH",
      "n=0",
      "read h < /proc/sys/kernel/hostname",
      "while [ \"$h\" != \"$0\" ]; do",
      "  n=$((n+1))",
      "  if [ $n -gt 150 ]; then",
      "    echo \"dirigent: this container was not given its pod's hostname $0 within 30 s; the node agent starts it again\" >&2",
      "    exit 1",
      "  fi",
      "  " + TOOLS + " sleep 0.2 &",
      "  wait $!",
      // Woken early: the sleep is ended and reaped, so the container's command inherits no child.
      "  kill $! 2>/dev/null; wait $! 2>/dev/null",
      "  read h < /proc/sys/kernel/hostname",
      "done",
      "c=$1",
      "case $c in",
      "  */*) p=$c ;;",
      "  *) p=; IFS=:",
      "     for d in ${PATH:-/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}; do",
      "       if [ -n \"$d\" ] && [ -f \"$d/$c\" ] && [ -x \"$d/$c\" ]; then p=$d/$c; break; fi",
      "     done",
      "     unset IFS ;;",
      "esac",
      "if [ -z \"$p\" ]; then echo \"exec: \\\"$c\\\": executable file not found in \\$PATH\" >&2; exit 127; fi",
      "shift",
      "exec -a \"$c\" \"$p\" \"$@\"");

  /** What a pod's hostname may be: a lowercase DNS name of at most 63 characters (the kernel's limit is 64). */
  private static final java.util.regex.Pattern HOSTNAME = java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?");

  private final String busybox;

  /** @param busybox the host's statically linked busybox */
  PooledHostnames(String busybox) {
    this.busybox = busybox;
  }

  String busybox() {
    return busybox;
  }

  /**
   * Whether this host can do it: a statically linked busybox at {@code busybox} (a dynamic one
   * would not run inside images without its libraries), {@code nsenter}, and root (to enter a
   * container's namespaces and write the engine's files). Null if so; else what is missing.
   */
  static String unavailable(String busybox) {
    try {
      if (!Files.isExecutable(Path.of(busybox))) {
        return busybox + " is not there (apt-get install busybox-static)";
      }
      if (HostCommand.run("ldd", busybox).ok()) {
        return busybox + " is not statically linked (apt-get install busybox-static)";
      }
      if (!HostCommand.run("nsenter", "--version").ok()) {
        return "nsenter does not run (util-linux)";
      }
      if (!HostCommand.run("id", "-u").output().equals("0")) {
        return "the agent does not run as root";
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return e.getMessage();
    }
  }

  /** Whether {@code hostname} may be a pod's: a lowercase DNS name of at most 63 characters. */
  static boolean isHostname(String hostname) {
    return hostname != null && HOSTNAME.matcher(hostname).matches();
  }

  /** The engine's entrypoint for a container of a pooled sandbox: the wait, then {@link #argv}. */
  static List<String> entrypoint(String hostname) {
    return List.of(TOOLS, "sh", "-c", SCRIPT, hostname);
  }

  /**
   * The command a container runs, as the engine puts it together: the pod's {@code command}
   * replaces the image's entrypoint (and its {@code args} the image's command), else the image's
   * entrypoint followed by the pod's {@code args} or the image's command.
   */
  static List<String> argv(List<String> command, List<String> args, ContainerRuntime.Image image) {
    List<String> argv = new ArrayList<>(command.isEmpty() ? image.entrypoint() : command);
    argv.addAll(!args.isEmpty() || !command.isEmpty() ? args : image.cmd());
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("no command specified: the image has neither an entrypoint nor a command, and the container gives none");
    }
    return argv;
  }

  /**
   * Sets the UTS name of the container whose first process is {@code pid} (on this host), then
   * wakes the waiting command, {@code waiting} (its child; 0 if not known yet: it sees the name
   * at its next look). Blocking.
   */
  void name(long pid, String hostname, long waiting) throws IOException {
    // A pod name or spec.hostname, validated by the API; checked again, as it becomes an argument of a host tool.
    if (!isHostname(hostname)) {
      throw new IOException("not a hostname: " + hostname);
    }
    // The values are the shell's arguments, never part of its script.
    HostCommand.check("nsenter", "--target", Long.toString(pid), "--uts", busybox, "sh", "-c",
        waiting > 0 ? "hostname \"$0\" && kill -WINCH \"$1\"" : "hostname \"$0\"", hostname, Long.toString(waiting));
  }

  /** The command waiting in the container whose first process is {@code pid}: that process's child; 0 if it has none yet. */
  static long waiting(long pid) {
    try {
      String children = Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(pid), "children")).strip();
      return children.isEmpty() ? 0 : Long.parseLong(children.split("\\s+")[0]);
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }
}
