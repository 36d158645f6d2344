package io.drover.agent;

import io.drover.agent.exec.AttemptExecutor;
import io.drover.agent.spot.InstanceMetadata;
import io.drover.capacity.ec2.SpotPrices;
import io.drover.agent.exec.DockerAttemptExecutor;
import io.drover.agent.exec.NoopAttemptExecutor;
import io.drover.agent.exec.ProcessAttemptExecutor;
import io.drover.core.cost.PriceTable;
import io.drover.protocol.AgentProtocol.AgentCommand;
import io.drover.protocol.SchedulerProtocol.AgentInfo;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.Ec2ClientBuilder;

/** Starts the agent role on a node: picks the executor, detects capacity, spawns the {@link NodeAgent}. */
public final class DroverAgent {

  private static final Logger log = LoggerFactory.getLogger(DroverAgent.class);

  private final AgentInfo info;
  private final ActorRef<AgentCommand> agent;

  private DroverAgent(AgentInfo info, ActorRef<AgentCommand> agent) {
    this.info = info;
    this.agent = agent;
  }

  public static DroverAgent start(ActorSystem<?> system) {
    AgentSettings settings = AgentSettings.from(system.settings().config());
    if (settings.computeEnvironment().isBlank()) {
      throw new IllegalArgumentException("drover.agent.compute-environment is not set: name the UNMANAGED compute "
          + "environment this host serves (DROVER_COMPUTE_ENVIRONMENT, or --compute-environment).");
    }
    ExecutorService blocking = blockingPool(settings);
    AttemptExecutor executor = executor(settings, blocking);
    String agentId = settings.agentId().isBlank() ? hostName() : settings.agentId();
    PriceTable.HostPrices prices = settings.prices();
    if (prices.hourly() == null) {
      log.info("No hourly price for this host (instance type {}, {}): its attempts' cost is not counted, only their "
          + "vCPU-hours. Set DROVER_HOURLY_PRICE, or DROVER_INSTANCE_TYPE to a type drover.pricing lists.",
          settings.instanceType() == null ? "unknown" : settings.instanceType(), settings.spot() ? "Spot" : "On-Demand");
    }
    AgentInfo info = new AgentInfo(
        agentId,
        hostName(),
        settings.instanceId().isBlank() ? null : settings.instanceId(),
        settings.computeEnvironment(),
        HostCapacity.of(settings),
        executor.name(),
        true,
        settings.spot(),
        null,
        settings.instanceType(),
        prices.hourly(),
        prices.onDemandHourly());
    InstanceMetadata metadata = settings.spotWatch().enabled() ? new InstanceMetadata(settings.spotWatch().imdsEndpoint()) : null;
    Ec2Client ec2 = metadata != null && settings.spot() && settings.instanceType() != null && settings.hourlyPrice() == null
        && !settings.spotWatch().priceRefresh().isZero() ? ec2Client(settings.spotWatch()) : null;
    ActorRef<AgentCommand> agent = system.systemActorOf(
        NodeAgent.create(info, executor, settings, metadata, ec2 == null ? null : new SpotPrices(ec2, blocking), blocking),
        "node-agent", Props.empty());
    if (settings.drainGrace().compareTo(Duration.ZERO) > 0) {
      Duration askFor = settings.drainGrace().plusSeconds(20);
      CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "drain-agent", () ->
          AskPattern.<AgentCommand, Done>ask(agent, replyTo -> new NodeAgent.Drain(settings.drainGrace(), replyTo), askFor,
              system.scheduler()));
    }
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-executor", () -> {
      executor.close();
      if (metadata != null) {
        metadata.close();
      }
      if (ec2 != null) {
        ec2.close();
      }
      blocking.shutdownNow();
      return java.util.concurrent.CompletableFuture.completedFuture(Done.getInstance());
    });
    return new DroverAgent(info, agent);
  }

  /**
   * The EC2 client a Spot host reads its price with: the instance profile's credentials, the JDK's
   * HTTP stack; null, with a warning, when no region can be found (off EC2, without a setting).
   */
  private static Ec2Client ec2Client(AgentSettings.SpotWatch spot) {
    Ec2ClientBuilder builder = Ec2Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder());
    if (spot.ec2Region() != null) {
      builder.region(Region.of(spot.ec2Region()));
    }
    if (spot.ec2Endpoint() != null) {
      builder.endpointOverride(URI.create(spot.ec2Endpoint()));
    }
    try {
      return builder.build();
    } catch (SdkClientException e) {
      log.warn("Not reading this Spot host's price from EC2: {} Set drover.agent.spot.price-region, or "
          + "DROVER_HOURLY_PRICE, or drover.agent.spot.price-refresh = 0s.", e.getMessage());
      return null;
    }
  }

  /**
   * The agent's pool for blocking calls ({@code drover.agent.blocking-threads} daemon threads, each
   * started only when a task first needs it). The caller shuts it down.
   */
  public static ExecutorService blockingPool(AgentSettings settings) {
    AtomicInteger threads = new AtomicInteger();
    return Executors.newFixedThreadPool(settings.blockingThreads(), runnable -> {
      Thread thread = new Thread(runnable, "drover-agent-blocking-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * The executor {@code drover.agent.executor} names: Docker ({@code docker} or {@code auto}), which
   * must answer, else the agent does not start; processes, only when named; or noop. The caller
   * closes it.
   */
  public static AttemptExecutor executor(AgentSettings settings, ExecutorService blocking) {
    String choice = settings.executor();
    if (choice.equals("process")) {
      return new ProcessAttemptExecutor(settings.process(), blocking);
    }
    if (choice.equals("noop")) {
      return new NoopAttemptExecutor(settings.noopRunTime());
    }
    if (!choice.equals("docker") && !choice.equals("auto")) {
      throw new IllegalArgumentException("drover.agent.executor is '" + choice + "'; use docker, process or noop.");
    }
    DockerAttemptExecutor docker = new DockerAttemptExecutor(settings.docker(), blocking);
    try {
      String version = docker.version().toCompletableFuture().get(10, TimeUnit.SECONDS);
      log.info("Using the Docker engine at {}: Docker {}", settings.docker().dockerHost(), version);
      if (!settings.docker().allowedHostPaths().isEmpty()) {
        log.info("Job containers may mount host paths under {} (drover.agent.docker.allowed-host-paths)",
            settings.docker().allowedHostPaths());
      }
      return docker;
    } catch (Exception e) {
      docker.close();
      throw new IllegalStateException("drover.agent.executor is " + choice + " but the Docker engine at "
          + settings.docker().dockerHost() + " does not answer (" + rootMessage(e) + "). Start Docker (or point "
          + "drover.agent.docker.host at it), or set drover.agent.executor = process (DROVER_EXECUTOR=process, "
          + "--executor process) to run job commands directly on this host, without containers, as "
          + "drover.agent.process.run-as-user.", e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  public AgentInfo info() {
    return info;
  }

  public ActorRef<AgentCommand> ref() {
    return agent;
  }
}
