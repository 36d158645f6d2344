package io.drover.agent.exec;

import static io.drover.agent.exec.DockerTestSupport.IMAGE;
import static io.drover.agent.exec.DockerTestSupport.RUN_LABEL;
import static io.drover.agent.exec.DockerTestSupport.await;
import static io.drover.agent.exec.DockerTestSupport.removeContainers;
import static io.drover.agent.exec.DockerTestSupport.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import io.drover.core.model.Resources;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs against the real Docker engine with the local image {@code drover/busybox:local} ({@link
 * DockerTestSupport}). How closed the containers are is {@link DockerConfinementTest}'s subject.
 */
class DockerAttemptExecutorTest {

  private static final String RUN_ID = UUID.randomUUID().toString().substring(0, 8);
  private static final String NODE_ID = "test-node-" + RUN_ID;
  private static final Resources SMALL = new Resources(500, 64, 0);

  private static ExecutorService pool;
  private static DockerClient docker;
  private static DockerAttemptExecutor executor;

  @BeforeAll
  static void connect() {
    pool = Executors.newCachedThreadPool();
    docker = DockerTestSupport.connect();
    executor = new DockerAttemptExecutor(settings(true), pool);
  }

  @AfterAll
  static void cleanUp() throws Exception {
    if (executor != null) {
      executor.close();
    }
    if (docker != null) {
      removeContainers(docker, RUN_ID);
      docker.close();
    }
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  @Test
  void outputArrivesOnItsStreamsAndTheContainerIsRemoved() throws Exception {
    RecordingSink sink = new RecordingSink();
    Execution execution =
        await(executor.start(spec("job-echo", "sh", "-c", "echo out; echo err >&2"), sink));

    ExitStatus status = await(execution.exit());

    assertEquals(new ExitStatus(0, null), status);
    assertEquals("out\n", sink.text(OutputStream.STDOUT));
    assertEquals("err\n", sink.text(OutputStream.STDERR));
    assertTrue(removedWithin(execution.id(), Duration.ofSeconds(10)), "the exited container is removed");
  }

  /** Removal happens in the background once the exit is known. */
  private static boolean removedWithin(String containerId, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        docker.inspectContainerCmd(containerId).exec();
      } catch (NotFoundException gone) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }

  @Test
  void largeOutputArrivesCompleteAndInOrder() throws Exception {
    RecordingSink sink = new RecordingSink();
    Execution execution = await(executor.start(spec("job-seq", "seq", "1", "20000"), sink));

    assertEquals(0, await(execution.exit()).exitCode());
    String expected =
        IntStream.rangeClosed(1, 20000).mapToObj(i -> i + "\n").collect(Collectors.joining());
    assertEquals(expected, sink.text(OutputStream.STDOUT));
  }

  /**
   * The catch-up after the exit hands over exactly what lies past the bytes already delivered on
   * each stream, even where a skip ends inside one of the chunks docker-java splits a line into.
   */
  @Test
  void catchingUpTheStoredLogDeliversOnlyWhatFollowsTheBytesAlreadySeen() throws Exception {
    DockerAttemptExecutor keeping = new DockerAttemptExecutor(settings(false), pool);
    String script =
        "line=$(printf '%3000s' '' | tr ' ' o); i=0; while [ $i -lt 20 ]; do "
            + "echo \"out $i $line\"; echo \"err $i\" >&2; i=$((i+1)); done";
    RecordingSink whole = new RecordingSink();
    Execution execution = await(keeping.start(spec("job-catch-up", "sh", "-c", script), whole));
    try {
      assertEquals(0, await(execution.exit()).exitCode());
      String out = whole.text(OutputStream.STDOUT);
      String err = whole.text(OutputStream.STDERR);
      assertEquals(20 * 3007 + 10, out.length(), "the execution delivered all of stdout");

      RecordingSink rest = new RecordingSink();
      keeping.catchUp(execution.id(), rest, 4_500, 23);
      assertEquals(out.substring(4_500), rest.text(OutputStream.STDOUT));
      assertEquals(err.substring(23), rest.text(OutputStream.STDERR));

      RecordingSink nothing = new RecordingSink();
      keeping.catchUp(execution.id(), nothing, out.length(), err.length());
      assertEquals("", nothing.text(OutputStream.STDOUT));
      assertEquals("", nothing.text(OutputStream.STDERR));

      docker.removeContainerCmd(execution.id()).withForce(true).exec();
      RecordingSink removed = new RecordingSink();
      keeping.catchUp(execution.id(), removed, 0, 0);
      assertEquals("", removed.text(OutputStream.STDOUT), "a removed container's log gives nothing");
    } finally {
      keeping.close();
    }
  }

  @Test
  void exitCodeIsReported() throws Exception {
    Execution execution =
        await(executor.start(spec("job-exit", "sh", "-c", "exit 3"), new RecordingSink()));

    assertEquals(new ExitStatus(3, null), await(execution.exit()));
  }

  @Test
  void containerGetsEnvironmentLabelsNameAndLimits() throws Exception {
    DockerAttemptExecutor keeping = new DockerAttemptExecutor(settings(false), pool);
    LaunchSpec spec =
        new LaunchSpec(
            "job:env",
            4,
            NODE_ID,
            IMAGE,
            List.of("sh", "-c", "echo \"$GREETING\"; id -u"),
            Map.of("GREETING", "hello world"),
            SMALL,
            "1000:1000",
            true,
            false,
            List.of(),
            Map.of(RUN_LABEL, RUN_ID, "team", "batch"));
    RecordingSink sink = new RecordingSink();
    String containerId = null;
    try {
      Execution execution = await(keeping.start(spec, sink));
      containerId = execution.id();

      assertEquals(0, await(execution.exit()).exitCode());
      assertEquals("hello world\n1000\n", sink.text(OutputStream.STDOUT));
      InspectContainerResponse info = docker.inspectContainerCmd(containerId).exec();
      assertTrue(info.getName().startsWith("/drover-job-env-4-"), info.getName());
      assertEquals(
          Map.of(
              "drover.job-id", "job:env",
              "drover.attempt", "4",
              "drover.node-id", NODE_ID,
              "drover.managed", "true",
              "drover.vcpu-millis", "500",
              "drover.memory-mib", "64",
              "drover.gpus", "0",
              "team", "batch",
              RUN_LABEL, RUN_ID),
          info.getConfig().getLabels());
      assertTrue(List.of(info.getConfig().getEnv()).contains("GREETING=hello world"));
      assertEquals("1000:1000", info.getConfig().getUser());
      HostConfig host = info.getHostConfig();
      assertEquals(64L * 1024 * 1024, host.getMemory());
      assertEquals(500_000_000L, host.getNanoCPUs());
      assertEquals("none", host.getNetworkMode());
      assertEquals(Boolean.TRUE, host.getReadonlyRootfs());
      assertEquals(Boolean.FALSE, host.getPrivileged());
    } finally {
      if (containerId != null) {
        docker.removeContainerCmd(containerId).withForce(true).exec();
      }
      keeping.close();
    }
  }

  @Test
  void missingImageFailsWithCannotPullContainerError() {
    // A registry on a closed loopback port: the pull fails at once, and nothing leaves the host
    // (an unqualified name would make the engine resolve Docker Hub through the host's DNS server).
    LaunchSpec spec =
        new LaunchSpec(
            "job-pull", 1, NODE_ID, "127.0.0.1:1/drover/does-not-exist:nope", List.of("true"),
            Map.of(), SMALL, null, false, false, List.of(), Map.of(RUN_LABEL, RUN_ID));

    ExecutionException failure =
        assertThrows(ExecutionException.class, () -> await(executor.start(spec, new RecordingSink())));

    LaunchFailedException launch = assertInstanceOf(LaunchFailedException.class, failure.getCause());
    assertTrue(
        launch.getMessage().startsWith("CannotPullContainerError: "), launch.getMessage());
    assertTrue(launch.getMessage().contains("127.0.0.1:1"), launch.getMessage());
  }

  @Test
  void unstartableCommandFailsWithCannotStartContainerErrorAndLeavesNoContainer()
      throws Exception {
    String nodeId = NODE_ID + "-bad";
    LaunchSpec spec =
        new LaunchSpec(
            "job-bad", 1, nodeId, IMAGE, List.of("/no/such/program"), Map.of(), SMALL,
            null, false, false, List.of(), Map.of(RUN_LABEL, RUN_ID));

    ExecutionException failure =
        assertThrows(ExecutionException.class, () -> await(executor.start(spec, new RecordingSink())));

    LaunchFailedException launch = assertInstanceOf(LaunchFailedException.class, failure.getCause());
    assertTrue(
        launch.getMessage().startsWith("CannotStartContainerError: "), launch.getMessage());
    assertTrue(launch.getMessage().contains("/no/such/program"), launch.getMessage());
    assertEquals(List.of(), await(executor.leftovers(nodeId)));
  }

  @Test
  void stopEndsTheContainerWithinTheGracePeriod() throws Exception {
    Execution execution = await(executor.start(spec("job-stop", "sleep", "60"), new RecordingSink()));
    long startedNanos = System.nanoTime();

    execution.stop(Duration.ofSeconds(1));
    execution.stop(Duration.ofSeconds(1));
    ExitStatus status = await(execution.exit());

    Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
    assertNotEquals(0, status.exitCode());
    assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "stopping took " + took);
  }

  @Test
  void containerOverItsMemoryLimitReportsOutOfMemory() throws Exception {
    LaunchSpec spec =
        new LaunchSpec(
            "job-oom",
            1,
            NODE_ID,
            IMAGE,
            List.of("sh", "-c", "x=$(head -c 30000000 /dev/zero | tr \"\\0\" a); echo $x | wc -c"),
            Map.of(),
            new Resources(500, 6, 0),
            null,
            false,
            false,
            List.of(),
            Map.of(RUN_LABEL, RUN_ID));
    Execution execution = await(executor.start(spec, new RecordingSink()));

    ExitStatus status = await(execution.exit());

    assertEquals(new ExitStatus(137, DockerAttemptExecutor.OOM_REASON), status);
  }

  @Test
  void leftoversFindLabelledContainersAndReapRemovesThem() throws Exception {
    String nodeId = NODE_ID + "-leftover";
    LaunchSpec spec =
        new LaunchSpec(
            "job-left", 2, nodeId, IMAGE, List.of("sleep", "60"), Map.of(), SMALL, null,
            false, false, List.of(), Map.of(RUN_LABEL, RUN_ID, DockerAttemptExecutor.LABEL_JOB_QUEUE, "nightly",
                DockerAttemptExecutor.LABEL_COMPUTE_ENVIRONMENT, "on-prem"));
    Execution execution = await(executor.start(spec, new RecordingSink()));

    List<LeftoverExecution> leftovers = await(executor.leftovers(nodeId));

    assertEquals(List.of(new LeftoverExecution(execution.id(), "job-left", 2, true, "nightly", "on-prem", null,
        SMALL)), leftovers);
    await(executor.reap(leftovers.get(0), Duration.ZERO));
    assertEquals(137, await(execution.exit()).exitCode());
    assertThrows(NotFoundException.class, () -> docker.inspectContainerCmd(execution.id()).exec());
    assertEquals(List.of(), await(executor.leftovers(nodeId)));
  }

  /**
   * An agent restart, as the executor sees it: the first executor is closed (its streams detach,
   * the container keeps running) and a new one finds the container and follows it to its exit,
   * with its whole output and the resources it reserves.
   */
  @Test
  void aNewExecutorReattachesToARunningContainerAndSeesItsWholeOutputAndExit() throws Exception {
    String nodeId = NODE_ID + "-reattach";
    LaunchSpec spec =
        new LaunchSpec(
            "job-outlives", 1, nodeId, IMAGE,
            List.of("sh", "-c", "echo before; sleep 3; echo after; echo late >&2; exit 3"), Map.of(),
            new Resources(250, 64, 0), null, false, false, List.of(),
            Map.of(RUN_LABEL, RUN_ID, DockerAttemptExecutor.LABEL_JOB_QUEUE, "nightly",
                DockerAttemptExecutor.LABEL_COMPUTE_ENVIRONMENT, "on-prem",
                DockerAttemptExecutor.LABEL_SHARE_IDENTIFIER, "blue"));
    DockerAttemptExecutor first = new DockerAttemptExecutor(settings(true), pool);
    Execution original = await(first.start(spec, new RecordingSink()));
    first.close();

    DockerAttemptExecutor restarted = new DockerAttemptExecutor(settings(true), pool);
    try {
      LeftoverExecution leftover = await(restarted.leftovers(nodeId)).get(0);
      assertEquals(new LeftoverExecution(original.id(), "job-outlives", 1, true, "nightly", "on-prem", "blue",
          new Resources(250, 64, 0)), leftover);
      assertTrue(leftover.identified());

      RecordingSink sink = new RecordingSink();
      ExitStatus status = await(await(restarted.reattach(leftover, sink)).exit());

      assertEquals(new ExitStatus(3, null), status);
      assertEquals("before\nafter\n", sink.text(OutputStream.STDOUT));
      assertEquals("late\n", sink.text(OutputStream.STDERR));
      assertTrue(removedWithin(original.id(), Duration.ofSeconds(10)), "the exited container is removed");
    } finally {
      restarted.close();
    }
  }

  @Test
  void reattachingToAContainerThatIsGoneFails() {
    LeftoverExecution gone = new LeftoverExecution("0000000000000000000000000000000000000000000000000000000000000000",
        "job-gone", 1, true, "nightly", "on-prem", null, Resources.ZERO);

    assertThrows(Exception.class, () -> await(executor.reattach(gone, new RecordingSink())));
  }

  @Test
  void nodeWithoutContainersHasNoLeftovers() throws Exception {
    assertEquals(List.of(), await(executor.leftovers(NODE_ID + "-empty")));
  }

  private static LaunchSpec spec(String jobId, String... command) {
    return new LaunchSpec(
        jobId, 1, NODE_ID, IMAGE, List.of(command), Map.of(), SMALL, null, false, false, List.of(),
        Map.of(RUN_LABEL, RUN_ID));
  }
}
