package io.drover.node;

import io.drover.controller.DroverController;
import io.drover.controller.controlplane.ControlPlaneClient;
import io.drover.core.api.CreateComputeEnvironmentRequest;
import io.drover.core.api.CreateJobQueueRequest;
import io.drover.core.api.RegisterJobDefinitionRequest;
import io.drover.core.compute.ComputeEnvironment;
import io.drover.core.controlplane.ControlPlaneState;
import io.drover.core.definition.ContainerProperties;
import io.drover.core.model.ResourceRequirement;
import io.drover.core.model.State;
import io.drover.core.queue.ComputeEnvironmentOrder;
import io.drover.node.cassandra.CassandraNode;
import io.drover.node.tls.DevCertificates;
import io.drover.protocol.SchedulerProtocol.AgentInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * {@code ./drover dev}: the embedded default. Starts a local Cassandra in its own JVM (data in the
 * data directory, so a restart keeps every job), then one node with the controller and agent
 * roles, creates a compute environment, a job queue and an example job definition named
 * {@code dev}, {@code dev} and {@code hello} when they do not exist yet, and prints where
 * everything is. SIGINT or SIGTERM stops Drover (coordinated shutdown) and then Cassandra.
 */
public final class DevMode {

  /** The parsed command line of {@code ./drover dev}. */
  record Options(
      int port, Path dataDir, Double vcpus, Long memoryMib, String executor, int managementPort, int cassandraPort) {

    static final String USAGE = """
        usage: ./drover dev [--port N] [--data-dir DIR] [--vcpus N] [--memory MIB] [--executor docker|process]
                            [--management-port N] [--cassandra-port N]
          --port N             AWS Batch API port (default 8080)
          --data-dir DIR       where Cassandra's data and Drover's log live (default .drover/dev)
          --vcpus N            vCPUs the dev agent offers (default: all of this machine's)
          --memory MIB         memory the dev agent offers, in MiB (default: this machine's, less 1 GiB)
          --executor E         docker (default when a Docker engine answers) or process
          --management-port N  Pekko Management port, for /ready, /alive and /cluster/members (default 8558)
          --cassandra-port N   CQL port of the local Cassandra (default 9042; its storage port is N+1 unless N is 9042)
        """;

    static Options parse(List<String> args, Path repoRoot) {
      int port = 8080;
      Path dataDir = repoRoot.resolve(".drover/dev");
      Double vcpus = null;
      Long memory = null;
      String executor = "auto";
      int management = 8558;
      int cassandra = CassandraNode.Settings.DEFAULT_NATIVE_PORT;
      for (int i = 0; i < args.size(); i++) {
        String option = args.get(i);
        if (option.equals("--help") || option.equals("-h")) {
          throw new UsageException(null);
        }
        if (i + 1 >= args.size()) {
          throw new UsageException(option + " needs a value.");
        }
        String value = args.get(++i);
        switch (option) {
          case "--port" -> port = port(value, option);
          case "--data-dir" -> dataDir = Path.of(value).toAbsolutePath().normalize();
          case "--vcpus" -> vcpus = positive(value, option);
          case "--memory" -> memory = (long) positive(value, option);
          case "--executor" -> {
            if (!value.equals("docker") && !value.equals("process")) {
              throw new UsageException("--executor must be docker or process, not " + value + ".");
            }
            executor = value;
          }
          case "--management-port" -> management = port(value, option);
          case "--cassandra-port" -> cassandra = port(value, option);
          default -> throw new UsageException("Unknown option " + option + ".");
        }
      }
      return new Options(port, dataDir, vcpus, memory, executor, management, cassandra);
    }

    private static int port(String value, String option) {
      try {
        int port = Integer.parseInt(value);
        if (port < 1 || port > 65535) {
          throw new UsageException(option + " must be a port from 1 to 65535, not " + value + ".");
        }
        return port;
      } catch (NumberFormatException e) {
        throw new UsageException(option + " must be a port number, not " + value + ".");
      }
    }

    private static double positive(String value, String option) {
      try {
        double n = Double.parseDouble(value);
        if (n <= 0) {
          throw new UsageException(option + " must be above 0, not " + value + ".");
        }
        return n;
      } catch (NumberFormatException e) {
        throw new UsageException(option + " must be a number, not " + value + ".");
      }
    }
  }

  /** A command-line mistake; the message (null for --help) is printed with the usage. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  public static final String COMPUTE_ENVIRONMENT = "dev";
  public static final String JOB_QUEUE = "dev";
  public static final String JOB_DEFINITION = "hello";

  private final Options options;
  private final Path repoRoot;
  private final PrintStream out;

  DevMode(Options options, Path repoRoot, PrintStream out) {
    this.options = options;
    this.repoRoot = repoRoot;
    this.out = out;
  }

  /** Runs until the JVM is asked to stop. */
  void run() throws Exception {
    refuseIfTaken(options.port(), "--port");
    refuseIfTaken(options.managementPort(), "--management-port");
    Files.createDirectories(options.dataDir());

    int storagePort = options.cassandraPort() == CassandraNode.Settings.DEFAULT_NATIVE_PORT
        ? CassandraNode.Settings.DEFAULT_STORAGE_PORT
        : options.cassandraPort() + 1;
    CassandraNode cassandra = new CassandraNode(CassandraNode.Settings.forRepo(repoRoot, options.dataDir().resolve("cassandra"))
        .withPorts(options.cassandraPort(), storagePort));
    out.println("Starting Cassandra " + CassandraNode.CASSANDRA_VERSION + " on " + cassandra.contactPoint()
        + " (data in " + options.dataDir().resolve("cassandra") + "; about 15 s)...");
    cassandra.start();

    out.println("Starting Drover (controller + agent)...");
    DroverNode node;
    try {
      node = DroverNode.start(NodeConfig.load(repoRoot.resolve("conf/dev.conf"), overrides(cassandra)));
    } catch (RuntimeException e) {
      cassandra.close();
      throw e;
    }
    ActorSystem<Void> system = node.system();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(system, cassandra), "drover-dev-stop"));

    DroverController controller = node.controller().orElseThrow();
    controller.binding().toCompletableFuture().get(60, TimeUnit.SECONDS);
    ControlPlaneState state = controller.controlPlane().ready().toCompletableFuture().get(60, TimeUnit.SECONDS);
    String image = System.getProperty("drover.dev.example-image", "public.ecr.aws/docker/library/busybox:stable");
    createDevObjects(controller.controlPlane(), state, image);
    banner(node.agent().orElseThrow().info(), cassandra, image);
    system.getWhenTerminated().toCompletableFuture().get();
  }

  private Map<String, Object> overrides(CassandraNode cassandra) {
    Map<String, Object> overrides = new LinkedHashMap<>();
    overrides.put("drover.controller.http.port", options.port());
    overrides.put("pekko.management.http.port", options.managementPort());
    overrides.put("pekko.remote.artery.canonical.port", 0);
    overrides.put("drover.cassandra.contact-points", cassandra.contactPoint());
    overrides.put("drover.agent.executor", options.executor());
    overrides.put("drover.agent.process.work-dir", options.dataDir().resolve("attempts").toString());
    overrides.putAll(DevCertificates.settings(options.dataDir().resolve("tls"), out));
    if (options.vcpus() != null) {
      overrides.put("drover.agent.vcpus", options.vcpus());
    }
    if (options.memoryMib() != null) {
      overrides.put("drover.agent.memory-mib", options.memoryMib());
    }
    return overrides;
  }

  /** The compute environment, queue and example definition a new user can submit to at once. */
  private static void createDevObjects(ControlPlaneClient controlPlane, ControlPlaneState state, String image)
      throws Exception {
    if (state.computeEnvironment(COMPUTE_ENVIRONMENT).isEmpty()) {
      controlPlane.execute(new CreateComputeEnvironmentRequest(
          COMPUTE_ENVIRONMENT, ComputeEnvironment.Type.UNMANAGED, State.ENABLED, null, null, null, null))
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (state.jobQueue(JOB_QUEUE).isEmpty()) {
      controlPlane.execute(new CreateJobQueueRequest(
          JOB_QUEUE, State.ENABLED, null, 1, List.of(new ComputeEnvironmentOrder(1, COMPUTE_ENVIRONMENT)), null, null))
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (state.revisions(JOB_DEFINITION).isEmpty()) {
      ContainerProperties container = new ContainerProperties(
          image, null, null, List.of("echo", "Hello from Drover"), null, null, null, null, null, null,
          List.of(new ResourceRequirement(ResourceRequirement.VCPU, "0.25"),
              new ResourceRequirement(ResourceRequirement.MEMORY, "64")));
      controlPlane.execute(new RegisterJobDefinitionRequest(
          JOB_DEFINITION, "container", null, null, container, null, null, null, null, null, null))
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private void banner(AgentInfo agent, CassandraNode cassandra, String image) {
    double seconds = (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0;
    String api = "http://127.0.0.1:" + options.port();
    out.printf("""

        Drover is ready (%.1f s).
          AWS Batch API  %s
          Management     http://127.0.0.1:%d  (/ready, /alive, /cluster/members)
          Cassandra      %s  (data in %s)
          Agent          %s: %s, %s executor, compute environment "%s"
          Log            %s

        Job queue "%s" and job definition "%s" (image %s) are ready. Try:
          curl -s -X POST %s/v1/submitjob -d '{"jobName":"hello","jobQueue":"%s","jobDefinition":"%s"}'
          curl -s -X POST %s/v1/describejobs -d '{"jobs":["<jobId>"]}'
          curl -s %s/drover/v1/jobs/<jobId>/logs
        or with the AWS CLI (any credentials):
          aws batch submit-job --endpoint-url %s --region us-east-1 --job-name hello --job-queue %s --job-definition %s

        Press Ctrl-C to stop Drover and Cassandra.
        """,
        seconds, api, options.managementPort(), cassandra.contactPoint(), options.dataDir().resolve("cassandra"),
        agent.agentId(), agent.capacity().describe(), agent.executor(), agent.computeEnvironment(),
        options.dataDir().resolve("logs/drover.log"),
        JOB_QUEUE, JOB_DEFINITION, image, api, JOB_QUEUE, JOB_DEFINITION, api, api, api, JOB_QUEUE, JOB_DEFINITION);
    out.flush();
  }

  /** Coordinated shutdown first (the node leaves, journal writes finish), Cassandra last. */
  private void stop(ActorSystem<Void> system, CassandraNode cassandra) {
    out.println("Stopping Drover...");
    try {
      CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.jvmExitReason()).toCompletableFuture().get(60, TimeUnit.SECONDS);
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      out.println("Drover did not stop cleanly within 90 s (" + e + "); stopping Cassandra anyway.");
    }
    out.println("Stopping Cassandra...");
    cassandra.stop(Duration.ofSeconds(30));
    out.println("Stopped.");
    out.flush();
  }

  private static void refuseIfTaken(int port, String option) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress("127.0.0.1", port));
    } catch (IOException e) {
      throw new UsageException("Port " + port + " is already in use (another ./drover dev?). Stop it, or choose "
          + "another port with " + option + " N.");
    }
  }
}
