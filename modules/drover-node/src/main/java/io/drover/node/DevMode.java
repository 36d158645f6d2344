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
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
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
          --executor E         docker (default when a Docker engine answers) or process (jobs run as host
                               processes of an unprivileged user; the default without Docker)
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
  private static final String DOCKER_SOCKET = "/var/run/docker.sock";
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

    String executor = executor(options.executor());
    out.println("Starting Drover (controller + agent)...");
    String masterKey = DevCredentials.masterKey(options.dataDir());
    DroverNode node;
    try {
      node = DroverNode.start(NodeConfig.load(repoRoot.resolve("conf/dev.conf"), overrides(cassandra, masterKey, executor)));
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
    createDevObjects(controller.controlPlane(), state, image, "process".equals(executor));
    DevCredentials.ensureAdmin(controller.controlPlane(), masterKey, options.dataDir(), api(),
        controller.settings().identity().region());
    banner(node.agent().orElseThrow().info(), cassandra, image);
    system.getWhenTerminated().toCompletableFuture().get();
  }

  /**
   * The dev agent's executor: Docker when it answers (or is asked for); otherwise, as this machine's
   * owner is its administrator, the process executor, saying so.
   */
  private String executor(String option) {
    if (!option.equals("auto")) {
      return option;
    }
    try (SocketChannel docker = SocketChannel.open(UnixDomainSocketAddress.of(DOCKER_SOCKET))) {
      return "docker";
    } catch (IOException | RuntimeException e) {
      out.println("No Docker engine answers on " + DOCKER_SOCKET + ", so the dev agent runs jobs as host processes "
          + "(as user nobody when Drover runs as root), without a container's isolation. Start Docker, or give "
          + "--executor process to choose this on purpose.");
      return "process";
    }
  }

  private Map<String, Object> overrides(CassandraNode cassandra, String masterKey, String executor) {
    Map<String, Object> overrides = new LinkedHashMap<>();
    overrides.put("drover.security.master-key", masterKey);
    overrides.put("drover.controller.http.port", options.port());
    overrides.put("pekko.management.http.port", options.managementPort());
    overrides.put("pekko.remote.artery.canonical.port", 0);
    overrides.put("drover.cassandra.contact-points", cassandra.contactPoint());
    overrides.put("drover.agent.executor", executor);
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

  /**
   * The compute environment, queue and example definition a new user can submit to at once. With
   * {@code --executor process} the environment lets its agent run jobs as host processes.
   */
  private void createDevObjects(
      ControlPlaneClient controlPlane, ControlPlaneState state, String image, boolean processExecutor) throws Exception {
    if (processExecutor && state.computeEnvironment(COMPUTE_ENVIRONMENT).filter(ce -> !ce.processExecutorEnabled()).isPresent()) {
      out.println("Compute environment \"" + COMPUTE_ENVIRONMENT + "\" in " + options.dataDir() + " was created for "
          + "Docker, so no job will run on this process agent. Start Docker, or use a fresh --data-dir.");
    }
    if (state.computeEnvironment(COMPUTE_ENVIRONMENT).isEmpty()) {
      Map<String, String> tags = processExecutor
          ? Map.of(ComputeEnvironment.PROCESS_EXECUTOR_TAG, ComputeEnvironment.PROCESS_EXECUTOR_ENABLED)
          : null;
      controlPlane.execute(new CreateComputeEnvironmentRequest(
          COMPUTE_ENVIRONMENT, ComputeEnvironment.Type.UNMANAGED, State.ENABLED, null, null, null, tags))
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

  private String api() {
    return "http://127.0.0.1:" + options.port();
  }

  private void banner(AgentInfo agent, CassandraNode cassandra, String image) {
    double seconds = (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0;
    String api = api();
    Path credentials = DevCredentials.credentialsFile(options.dataDir());
    Path config = DevCredentials.configFile(options.dataDir());
    out.printf("""

        Drover is ready (%.1f s).
          AWS Batch API  %s  (every request signed: AWS Signature Version 4)
          Dashboard      %s/ui/  (sign in with the admin key below)
          Management     http://127.0.0.1:%d  (/ready, /alive, /cluster/members)
          Cassandra      %s  (data in %s)
          Agent          %s: %s, %s executor, compute environment "%s"
          Log            %s
          Admin keys     user "%s", profile "%s" in %s

        Job queue "%s" and job definition "%s" (image %s) are ready. Try, with the AWS CLI:
          export AWS_SHARED_CREDENTIALS_FILE=%s AWS_CONFIG_FILE=%s AWS_PROFILE=%s
          aws batch submit-job --job-name hello --job-queue %s --job-definition %s
          aws batch describe-jobs --jobs <jobId>
        or curl (7.75+), with the key and secret from that file:
          curl -s --aws-sigv4 aws:amz:us-east-1:batch --user "$KEY:$SECRET" %s/drover/v1/jobs/<jobId>/logs
        More users and keys: ./drover admin --help; the cluster and its hosts: ./drover status --endpoint %s --management-port %d

        Press Ctrl-C to stop Drover and Cassandra.
        """,
        seconds, api, api, options.managementPort(), cassandra.contactPoint(), options.dataDir().resolve("cassandra"),
        agent.agentId(), agent.capacity().describe(), agent.executor(), agent.computeEnvironment(),
        options.dataDir().resolve("logs/drover.log"), DevCredentials.ADMIN, DevCredentials.PROFILE, credentials,
        JOB_QUEUE, JOB_DEFINITION, image, credentials, config, DevCredentials.PROFILE, JOB_QUEUE, JOB_DEFINITION, api, api, options.managementPort());
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
