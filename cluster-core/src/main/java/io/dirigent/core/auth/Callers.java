package io.dirigent.core.auth;

import com.typesafe.config.Config;
import io.dirigent.core.cluster.ClusterNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * This member's store callers (one per actor system): who its components are when they send the
 * store a command, and, on a member that holds the {@link CallerKey}, whether another member's
 * caller is genuine.
 *
 * <p>A control-plane member holds the key (made on first start beside the authority) and names
 * its components itself. A worker holds the credential issued to it when it joined (its Node's
 * identity) and nothing else; a worker without one can read and write nothing.
 */
public final class Callers implements Extension {

  public static final ExtensionId<Callers> ID = new ExtensionId<>() {
    @Override
    public Callers createExtension(ActorSystem<?> system) {
      return new Callers(system);
    }
  };

  private final Optional<CallerKey> key;
  private final Caller member;

  private Callers(ActorSystem<?> system) {
    Config config = system.settings().config().getConfig("dirigent.cluster.credentials");
    Path keyFile = Path.of(config.getString("key-file"));
    Path credentialFile = Path.of(config.getString("credential-file"));
    boolean controlPlane = Cluster.get(system).selfMember().hasRole(ClusterNode.CONTROL_PLANE);
    try {
      this.key = controlPlane ? Optional.of(CallerKey.loadOrCreate(keyFile))
          : Files.exists(keyFile) ? Optional.of(CallerKey.load(keyFile)) : Optional.empty();
      if (key.isPresent()) {
        this.member = key.get().sign(Caller.CONTROL_PLANE, List.of(Caller.MASTERS));
      } else if (Files.exists(credentialFile)) {
        this.member = CallerKey.readCredential(credentialFile);
      } else {
        // Nothing to prove who this worker is: it asks anyway, and every control-plane member refuses.
        this.member = new Caller(Caller.NODE_PREFIX + system.settings().config().getString("dirigent.node.name"), List.of(Caller.NODES), "");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Callers get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** What this member's own components are: everything on a control-plane member, its Node on a worker. */
  public Caller member() {
    return member;
  }

  /**
   * The agent of node {@code nodeName}: made here on a member holding the key; on a worker, the
   * credential it joined with (which the store accepts for its own Node only).
   */
  public Caller node(String nodeName) {
    return key.map(held -> held.node(nodeName)).orElse(member);
  }

  /**
   * A control-plane component ({@link Caller#SCHEDULER}, {@link Caller#CONTROLLER_MANAGER}) under
   * its own name, made here; a member without the key (which never runs them) gets its own caller.
   */
  public Caller component(String user) {
    return key.map(held -> held.sign(user, List.of())).orElse(member);
  }

  /** Whether {@code caller} is genuine; a member without the key (a worker) trusts no one. */
  public boolean verify(Caller caller) {
    return key.isPresent() && key.get().verify(caller);
  }

  /** The key, where this member holds it: to issue a joining worker's credential. */
  public Optional<CallerKey> key() {
    return key;
  }
}
