package io.dirigent.core.services;

import io.dirigent.core.CborSerializable;
import io.dirigent.core.LocalOnly;
import io.dirigent.core.auth.Caller;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreGuard;
import io.dirigent.core.store.StoreSettings;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The single owner of every Service's ClusterIP and NodePorts in the cluster, so no two Services
 * ever get the same one: an event-sourced entity (one for the whole cluster), as Kubernetes keeps
 * its allocation bitmaps in etcd. A value asked for by number is refused if it is taken or out of
 * range; otherwise a free one is picked at random.
 *
 * <p>Releases come from deletes; and a periodic repair releases what no Service uses any more
 * (a create that failed after allocating, a Service deleted later by the garbage collector), once
 * it has been held for longer than a repair interval — by the allocator's clock, which stamps each
 * value when it is allocated.
 */
public final class ServiceAllocator
    extends EventSourcedBehaviorWithEnforcedReplies<ServiceAllocator.Command, ServiceAllocator.Event, ServiceAllocator.State> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "ServiceAllocator");
  private static final String ENTITY_ID = "services";

  public sealed interface Command extends CborSerializable {}

  /**
   * Allocates for {@code owner} (namespace/name): a ClusterIP if {@code wantIp} ({@code ip}
   * empty: any, else that one), and one NodePort per entry of {@code ports} (0: any).
   */
  public record Allocate(String owner, boolean wantIp, String ip, List<Integer> ports, Caller caller, ActorRef<Reply> replyTo) implements Command {
    public Allocate {
      ports = List.copyOf(ports);
    }
  }

  /** Frees these values (those held, that is). */
  public record Release(List<String> ips, List<Integer> ports, Caller caller, ActorRef<Reply> replyTo) implements Command {
    public Release {
      ips = List.copyOf(ips);
      ports = List.copyOf(ports);
    }
  }

  /** Releases every value allocated before {@code heldBefore} and not {@code inUse}; then {@link Done}. */
  record Repair(InUse inUse, Instant heldBefore, ActorRef<Reply> replyTo) implements Command, LocalOnly {}

  /** Starts a repair pass: looks up what is in use, then repairs; {@link Done} once it has. */
  record RepairTick(ActorRef<Reply> replyTo) implements Command, LocalOnly {}

  /** What Services use now: every ClusterIP and NodePort they hold. */
  public record InUse(Set<String> ips, Set<Integer> ports) {
    public InUse {
      ips = Set.copyOf(ips);
      ports = Set.copyOf(ports);
    }

    /** The addresses {@code services} hold. */
    public static InUse of(List<Service> services) {
      Set<String> ips = new HashSet<>();
      Set<Integer> ports = new HashSet<>();
      for (Service service : services) {
        if (service.getSpec() == null) {
          continue;
        }
        if (service.getSpec().getClusterIPs() != null) {
          ips.addAll(service.getSpec().getClusterIPs());
        }
        if (service.getSpec().getClusterIP() != null) {
          ips.add(service.getSpec().getClusterIP());
        }
        for (ServicePort port : service.getSpec().getPorts() == null ? List.<ServicePort>of() : service.getSpec().getPorts()) {
          if (port.getNodePort() != null) {
            ports.add(port.getNodePort());
          }
        }
      }
      return new InUse(ips, ports);
    }
  }

  public sealed interface Reply extends CborSerializable {}

  /** What was allocated: the ClusterIP (null if none was asked) and the NodePorts, in order. */
  public record Allocated(String ip, List<Integer> ports) implements Reply {}

  /**
   * Refused: {@code field} is the Service field at fault ({@code spec.clusterIPs},
   * {@code spec.ports[1].nodePort}), {@code value} what was asked, {@code message} why.
   */
  public record Refused(String field, String value, String message) implements Reply {}

  public record Done() implements Reply {}

  public sealed interface Event extends CborSerializable {}

  public record ValuesAllocated(String owner, String ip, List<Integer> ports, Instant at) implements Event {}

  public record ValuesReleased(List<String> ips, List<Integer> ports) implements Event {}

  /** Who holds a value, since when. */
  public record Holding(String owner, Instant since) implements CborSerializable {}

  /** Every value held. Immutable. */
  public record State(Map<String, Holding> ips, Map<Integer, Holding> ports) implements CborSerializable {
    static final State EMPTY = new State(Map.of(), Map.of());

    public State {
      ips = Map.copyOf(ips);
      ports = Map.copyOf(ports);
    }

    State apply(Event event) {
      if (event instanceof ValuesAllocated allocated) {
        Map<String, Holding> nextIps = new HashMap<>(ips);
        Map<Integer, Holding> nextPorts = new HashMap<>(ports);
        Holding holding = new Holding(allocated.owner(), allocated.at());
        if (allocated.ip() != null) {
          nextIps.put(allocated.ip(), holding);
        }
        allocated.ports().forEach(port -> nextPorts.put(port, holding));
        return new State(nextIps, nextPorts);
      }
      ValuesReleased released = (ValuesReleased) event;
      Map<String, Holding> nextIps = new HashMap<>(ips);
      Map<Integer, Holding> nextPorts = new HashMap<>(ports);
      released.ips().forEach(nextIps::remove);
      released.ports().forEach(nextPorts::remove);
      return new State(nextIps, nextPorts);
    }

    /** What a repair frees: the values not {@code inUse} that were allocated before {@code heldBefore}. */
    ValuesReleased unused(InUse inUse, Instant heldBefore) {
      List<String> freeIps = ips.entrySet().stream()
          .filter(e -> !inUse.ips().contains(e.getKey()) && e.getValue().since().isBefore(heldBefore))
          .map(Map.Entry::getKey).sorted().toList();
      List<Integer> freePorts = ports.entrySet().stream()
          .filter(e -> !inUse.ports().contains(e.getKey()) && e.getValue().since().isBefore(heldBefore))
          .map(Map.Entry::getKey).sorted().toList();
      return new ValuesReleased(freeIps, freePorts);
    }
  }

  /** Registers the entity on this member (control-plane members host it), on the system clock. */
  public static void init(ActorSystem<?> system, Store store, StoreSettings settings) {
    AddressRanges ranges = AddressRanges.from(system.settings().config());
    Duration repair = system.settings().config().getDuration("dirigent.services.repair-interval");
    Supplier<CompletionStage<InUse>> inUse = () -> store.list(Service.class, ListOptions.ALL).thenApply(listed -> InUse.of(listed.items(Service.class)));
    ClusterSharding.get(system).init(Entity.of(TYPE_KEY, entity -> create(ranges, settings, inUse, repair, StoreGuard.of(system), Clock.systemUTC()))
        .withRole(settings.role()));
  }

  public static EntityRef<Command> ref(ActorSystem<?> system) {
    return ClusterSharding.get(system).entityRefFor(TYPE_KEY, ENTITY_ID);
  }

  /**
   * The allocator: {@code inUse} looks up what Services use now (for the repair pass every
   * {@code repair}); {@code clock} stamps what is allocated and tells when it has been held long
   * enough to be repaired.
   */
  static Behavior<Command> create(AddressRanges ranges, StoreSettings settings, Supplier<CompletionStage<InUse>> inUse, Duration repair,
      StoreGuard guard, Clock clock) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(new RepairTick(context.getSystem().ignoreRef()), repair, repair);
      return new ServiceAllocator(context, ranges, settings, inUse, repair, guard, clock);
    }));
  }

  private final ActorContext<Command> context;
  private final AddressRanges ranges;
  private final Supplier<CompletionStage<InUse>> inUse;
  private final Duration repair;
  /** Who may allocate: the store's own members. */
  private final StoreGuard guard;
  private final Clock clock;

  private ServiceAllocator(ActorContext<Command> context, AddressRanges ranges, StoreSettings settings, Supplier<CompletionStage<InUse>> inUse,
      Duration repair, StoreGuard guard, Clock clock) {
    super(PersistenceId.of(TYPE_KEY.name(), ENTITY_ID),
        SupervisorStrategy.restartWithBackoff(settings.persistMinBackoff(), settings.persistMaxBackoff(), 0.2));
    this.context = context;
    this.ranges = ranges;
    this.inUse = inUse;
    this.repair = repair;
    this.guard = guard;
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Allocate.class, this::onAllocate)
        .onCommand(Release.class, this::onRelease)
        .onCommand(Repair.class, this::onRepair)
        .onCommand(RepairTick.class, (state, tick) -> {
          startRepair(tick.replyTo());
          return Effect().noReply();
        })
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(State::apply);
  }

  /** Whether {@code caller} is one of the store's own members: only they allocate and release (through a Service's admission). */
  private boolean fromStore(Caller caller) {
    if (guard.isMaster(caller)) {
      return true;
    }
    context.getLog().warn("service allocator refused a request from {}", caller);
    return false;
  }

  private ReplyEffect<Event, State> onAllocate(State state, Allocate allocate) {
    if (!fromStore(allocate.caller())) {
      return Effect().reply(allocate.replyTo(), new Refused("spec.clusterIPs", "", "only the store's members allocate Service addresses"));
    }
    String ip = null;
    if (allocate.wantIp()) {
      if (allocate.ip() == null || allocate.ip().isEmpty()) {
        ip = freeIp(state);
        if (ip == null) {
          return Effect().reply(allocate.replyTo(), new Refused("spec.clusterIPs", "", "failed to allocate a ClusterIP: the range " + ranges.cidr() + " is full"));
        }
      } else if (!ranges.containsIp(allocate.ip())) {
        return Effect().reply(allocate.replyTo(), new Refused("spec.clusterIPs", allocate.ip(),
            "failed to allocate IP %s: the provided IP (%s) is not in the valid range. The range of valid IPs is %s".formatted(allocate.ip(), allocate.ip(), ranges.cidr())));
      } else if (state.ips().containsKey(allocate.ip())) {
        return Effect().reply(allocate.replyTo(), new Refused("spec.clusterIPs", allocate.ip(),
            "failed to allocate IP %s: provided IP is already allocated".formatted(allocate.ip())));
      } else {
        ip = allocate.ip();
      }
    }
    List<Integer> ports = new ArrayList<>();
    Set<Integer> taken = new HashSet<>(state.ports().keySet());
    for (int i = 0; i < allocate.ports().size(); i++) {
      int requested = allocate.ports().get(i);
      String field = "spec.ports[%d].nodePort".formatted(i);
      if (requested == 0) {
        Integer free = freePort(taken);
        if (free == null) {
          return Effect().reply(allocate.replyTo(), new Refused(field, "0", "failed to allocate a NodePort: the range is full"));
        }
        requested = free;
      } else if (!ranges.containsPort(requested)) {
        return Effect().reply(allocate.replyTo(), new Refused(field, Integer.toString(requested),
            "provided port is not in the valid range. The range of valid ports is %d-%d".formatted(ranges.firstPort(), ranges.lastPort())));
      } else if (taken.contains(requested)) {
        return Effect().reply(allocate.replyTo(), new Refused(field, Integer.toString(requested), "provided port is already allocated"));
      }
      taken.add(requested);
      ports.add(requested);
    }
    Allocated allocated = new Allocated(ip, ports);
    return Effect().persist(new ValuesAllocated(allocate.owner(), ip, ports, clock.instant()))
        .thenReply(allocate.replyTo(), after -> allocated);
  }

  private ReplyEffect<Event, State> onRelease(State state, Release release) {
    if (!fromStore(release.caller())) {
      return Effect().reply(release.replyTo(), new Done());
    }
    List<String> ips = release.ips().stream().filter(state.ips()::containsKey).toList();
    List<Integer> ports = release.ports().stream().filter(state.ports()::containsKey).toList();
    if (ips.isEmpty() && ports.isEmpty()) {
      return Effect().reply(release.replyTo(), new Done());
    }
    return Effect().persist(new ValuesReleased(ips, ports)).thenReply(release.replyTo(), after -> new Done());
  }

  private ReplyEffect<Event, State> onRepair(State state, Repair repair) {
    ValuesReleased unused = state.unused(repair.inUse(), repair.heldBefore());
    if (unused.ips().isEmpty() && unused.ports().isEmpty()) {
      return Effect().reply(repair.replyTo(), new Done());
    }
    context.getLog().info("service allocator repair released ips={} nodePorts={}", unused.ips(), unused.ports());
    return Effect().persist(unused).thenReply(repair.replyTo(), after -> new Done());
  }

  /**
   * Looks up what is in use and tells itself; whatever else was allocated more than a repair
   * interval before the look began is freed. (Taken before the look: a value allocated while it
   * runs, for a Service not written yet, is never old enough.)
   */
  private void startRepair(ActorRef<Reply> replyTo) {
    Instant heldBefore = clock.instant().minus(repair);
    ActorRef<Command> self = context.getSelf();
    inUse.get().whenComplete((used, failure) -> {
      if (failure == null) {
        self.tell(new Repair(used, heldBefore, replyTo));
      }
    });
  }

  private String freeIp(State state) {
    long count = ranges.ipCount();
    long start = ThreadLocalRandom.current().nextLong(count);
    for (long i = 0; i < count; i++) {
      String candidate = ranges.ipAt((start + i) % count);
      if (!state.ips().containsKey(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private Integer freePort(Set<Integer> taken) {
    int count = ranges.portCount();
    int start = ThreadLocalRandom.current().nextInt(count);
    for (int i = 0; i < count; i++) {
      int candidate = ranges.firstPort() + (start + i) % count;
      if (!taken.contains(candidate)) {
        return candidate;
      }
    }
    return null;
  }

}
