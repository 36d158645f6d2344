package io.drover.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.drover.agent.AgentSettings;
import io.drover.agent.DroverAgent;
import io.drover.agent.NodeAgent;
import io.drover.agent.exec.AttemptExecutor;
import io.drover.core.cost.PriceTable;
import io.drover.core.model.Resources;
import io.drover.node.tls.ClusterTls;
import io.drover.protocol.JobRoutes;
import io.drover.protocol.SchedulerProtocol;
import io.drover.protocol.SchedulerProtocol.AgentInfo;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;

/**
 * {@code Main fleet}: a simulated fleet for load tests of the controllers. One process joins the
 * cluster with the agent role, configured as {@code ./drover agent} is ({@code conf/fleet.conf},
 * which includes {@code conf/agent.conf}, and the same DROVER_* environment), and runs many virtual
 * agents in it: {@link NodeAgent}s with ids {@code <prefix>-00001}, ..., each offering the same
 * capacity in one compute environment, all sharing one noop executor (each attempt only takes the
 * run time and exits 0) and one blocking pool, without Spot watchers or instance metadata.
 *
 * <p>Once the scheduler is found, the agents start in waves ({@code drover.fleet.wave-size} every
 * {@code drover.fleet.wave-interval}), so their first statuses reach the scheduler at a pace it
 * takes; each then heartbeats at a random phase of its interval. SIGTERM leaves the cluster at once,
 * without draining: the attempts still running end as their host lost.
 */
public final class FleetMode {

  /** The parsed command line of {@code Main fleet}; null for what the configuration gives. */
  record Options(int agents, String prefix, Double vcpus, Long memoryMib, String computeEnvironment, Duration runTime) {

    static final String USAGE = """
        usage: Main fleet --agents N [--vcpus V] [--memory MIB] [--compute-environment CE] [--run-time DURATION]
                          [--agent-prefix P]
          --agents N                 how many virtual agents to run in this process
          --vcpus V                  vCPUs each offers (default: DROVER_VCPUS)
          --memory MIB               memory each offers, in MiB (default: DROVER_MEMORY_MIB)
          --compute-environment CE   the UNMANAGED compute environment they serve (default: DROVER_COMPUTE_ENVIRONMENT)
          --run-time DURATION        how long each attempt runs before it exits 0, such as 0s, 500ms, 2m (default 0s)
          --agent-prefix P           agent ids are P-00001, P-00002, ... (default sim); give each fleet of a cluster its own
          Cluster settings come from conf/fleet.conf and the environment, as for ./drover agent: DROVER_CONTACT_POINTS,
          DROVER_HOSTNAME, DROVER_REMOTE_PORT, DROVER_MANAGEMENT_PORT, DROVER_CASSANDRA_CONTACT_POINTS, ...
        """;

    static Options parse(List<String> args) {
      Integer agents = null;
      String prefix = "sim";
      Double vcpus = null;
      Long memory = null;
      String computeEnvironment = null;
      Duration runTime = null;
      for (int i = 0; i < args.size(); i++) {
        String option = args.get(i);
        if (option.equals("--help") || option.equals("-h")) {
          throw new DevMode.UsageException(null);
        }
        if (i + 1 >= args.size()) {
          throw new DevMode.UsageException(option + " needs a value.");
        }
        String value = args.get(++i);
        switch (option) {
          case "--agents" -> agents = (int) positive(value, option, true);
          case "--vcpus" -> vcpus = positive(value, option, false);
          case "--memory" -> memory = (long) positive(value, option, true);
          case "--compute-environment" -> computeEnvironment = value;
          case "--run-time" -> runTime = duration(value, option);
          case "--agent-prefix" -> prefix = value;
          default -> throw new DevMode.UsageException("Unknown option " + option + ".");
        }
      }
      if (agents == null) {
        throw new DevMode.UsageException("--agents is required.");
      }
      return new Options(agents, prefix, vcpus, memory, computeEnvironment, runTime);
    }

    private static double positive(String value, String option, boolean whole) {
      try {
        double n = whole ? Integer.parseInt(value) : Double.parseDouble(value);
        if (n <= 0) {
          throw new DevMode.UsageException(option + " must be above 0, not " + value + ".");
        }
        return n;
      } catch (NumberFormatException e) {
        throw new DevMode.UsageException(option + " must be a " + (whole ? "whole " : "") + "number, not " + value + ".");
      }
    }

    private static Duration duration(String value, String option) {
      try {
        Duration duration = ConfigFactory.empty().withValue("d", ConfigValueFactory.fromAnyRef(value)).getDuration("d");
        if (duration.isNegative()) {
          throw new DevMode.UsageException(option + " cannot be negative: " + value + ".");
        }
        return duration;
      } catch (ConfigException e) {
        throw new DevMode.UsageException(option + " must be a duration such as 0s, 500ms or 2m, not " + value + ".");
      }
    }

    /** The settings the options give, over conf/fleet.conf. */
    Map<String, Object> overrides() {
      Map<String, Object> overrides = new HashMap<>();
      if (vcpus != null) {
        overrides.put("drover.agent.vcpus", vcpus);
      }
      if (memoryMib != null) {
        overrides.put("drover.agent.memory-mib", memoryMib);
      }
      if (computeEnvironment != null) {
        overrides.put("drover.agent.compute-environment", computeEnvironment);
      }
      if (runTime != null) {
        overrides.put("drover.agent.noop.run-time", runTime.toMillis() + "ms");
      }
      return overrides;
    }

    String agentId(int index) {
      return prefix + "-" + String.format(Locale.ROOT, "%05d", index);
    }
  }

  /** The guardian's protocol: local only. */
  interface Command {}

  private record SchedulersListed(Receptionist.Listing listing) implements Command {}

  private record NextWave() implements Command {}

  private FleetMode() {}

  /** Runs the fleet until the process is asked to stop. */
  static void run(Options options, Path repoRoot, PrintStream out) {
    Config config = ClusterTls.configure(NodeConfig.load(repoRoot.resolve("conf").resolve("fleet.conf"), options.overrides()));
    if (config.getString("pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method").equals("config")
        && config.getList("pekko.discovery.config.services.drover.endpoints").isEmpty()) {
      throw new IllegalArgumentException("DROVER_CONTACT_POINTS is empty: set it to the controllers' management endpoints "
          + "(host:port,...; port 8558 by default) so this fleet can find the cluster.");
    }
    AgentSettings settings = AgentSettings.from(config);
    if (settings.computeEnvironment().isBlank()) {
      throw new IllegalArgumentException("No compute environment: name the UNMANAGED compute environment the fleet "
          + "serves with --compute-environment (or DROVER_COMPUTE_ENVIRONMENT).");
    }
    if (settings.vcpus() <= 0 || settings.memoryMib() <= 0) {
      throw new IllegalArgumentException("Virtual agents have no machine to detect their capacity from: give each "
          + "--vcpus and --memory (or DROVER_VCPUS and DROVER_MEMORY_MIB).");
    }
    Duration waveInterval = config.getDuration("drover.fleet.wave-interval");
    int waveSize = config.getInt("drover.fleet.wave-size");
    if (waveSize < 1 || waveInterval.isNegative() || waveInterval.isZero()) {
      throw new IllegalArgumentException("drover.fleet.wave-size must be 1 or more and drover.fleet.wave-interval above 0s.");
    }
    ExecutorService blocking = DroverAgent.blockingPool(settings);
    AttemptExecutor executor = DroverAgent.executor(settings, blocking);
    ActorSystem<Command> system = ActorSystem.create(
        Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
            new Fleet(options, settings, executor, blocking, waveSize, waveInterval, ctx, timers).waiting())),
        "drover", config);
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-executor", () -> {
      executor.close();
      blocking.shutdownNow();
      return CompletableFuture.completedFuture(Done.getInstance());
    });
    try {
      PekkoManagement.get(system).start();
      ClusterBootstrap.get(system).start();
      // Follows the controllers' job gateways from now on, for every virtual agent's reports.
      JobRoutes.get(system);
    } catch (RuntimeException e) {
      system.terminate();
      throw e;
    }
    out.println("Drover fleet started: " + options.agents() + " virtual agents (" + options.agentId(1) + " to "
        + options.agentId(options.agents()) + ") for compute environment '" + settings.computeEnvironment() + "', "
        + capacity(settings).describe() + " each, " + executor.name() + " executor"
        + ("noop".equals(executor.name()) ? " (attempts of " + settings.noopRunTime().toMillis() + " ms)" : "")
        + "; management on http://" + config.getString("pekko.management.http.hostname") + ":"
        + config.getInt("pekko.management.http.port") + ". They start once the scheduler is found.");
    system.getWhenTerminated().toCompletableFuture().join();
  }

  private static Resources capacity(AgentSettings settings) {
    return Resources.of(settings.vcpus(), settings.memoryMib(), Math.max(0, settings.gpus()));
  }

  /** The guardian: waits for the scheduler, then starts the virtual agents in waves. */
  private static final class Fleet {

    private final Options options;
    private final AgentSettings settings;
    private final AttemptExecutor executor;
    private final Executor blocking;
    private final int waveSize;
    private final Duration waveInterval;
    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final Resources capacity;
    private final PriceTable.HostPrices prices;
    private int started;
    private long firstWaveAt;

    Fleet(Options options, AgentSettings settings, AttemptExecutor executor, Executor blocking, int waveSize,
        Duration waveInterval, ActorContext<Command> context, TimerScheduler<Command> timers) {
      this.options = options;
      this.settings = settings;
      this.executor = executor;
      this.blocking = blocking;
      this.waveSize = waveSize;
      this.waveInterval = waveInterval;
      this.context = context;
      this.timers = timers;
      this.capacity = capacity(settings);
      this.prices = settings.prices();
      context.getSystem().receptionist().tell(Receptionist.subscribe(SchedulerProtocol.SERVICE_KEY,
          context.messageAdapter(Receptionist.Listing.class, SchedulersListed::new)));
    }

    /** Until the scheduler is listed, an agent's first status would have nowhere to go. */
    Behavior<Command> waiting() {
      return Behaviors.receive(Command.class)
          .onMessage(SchedulersListed.class, msg -> {
            if (msg.listing().getServiceInstances(SchedulerProtocol.SERVICE_KEY).isEmpty()) {
              return Behaviors.same();
            }
            context.getLog().info("Found the scheduler: starting {} virtual agents, {} every {} ms", options.agents(),
                waveSize, waveInterval.toMillis());
            firstWaveAt = System.nanoTime();
            timers.startTimerWithFixedDelay(NextWave.class, new NextWave(), waveInterval);
            return wave();
          })
          .build();
    }

    private Behavior<Command> wave() {
      int end = Math.min(options.agents(), started + waveSize);
      while (started < end) {
        started++;
        String agentId = options.agentId(started);
        AgentInfo info = new AgentInfo(agentId, agentId, null, settings.computeEnvironment(), capacity, executor.name(),
            true, settings.spot(), null, settings.instanceType(), prices.hourly(), prices.onDemandHourly());
        context.spawn(NodeAgent.create(info, executor, settings, null, null, blocking), agentId);
      }
      if (started < options.agents()) {
        return starting();
      }
      timers.cancel(NextWave.class);
      context.getLog().info("All {} virtual agents started in {} ms", started,
          Duration.ofNanos(System.nanoTime() - firstWaveAt).toMillis());
      return Behaviors.ignore();
    }

    private Behavior<Command> starting() {
      return Behaviors.receive(Command.class)
          .onMessage(NextWave.class, msg -> wave())
          .onMessage(SchedulersListed.class, msg -> Behaviors.same())
          .build();
    }
  }
}
