package io.drover.agent.exec;

import static io.drover.agent.exec.DockerTestSupport.IMAGE;
import static io.drover.agent.exec.DockerTestSupport.RUN_LABEL;
import static io.drover.agent.exec.DockerTestSupport.await;
import static io.drover.agent.exec.DockerTestSupport.removeContainers;
import static io.drover.agent.exec.DockerTestSupport.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import io.drover.core.definition.ContainerMount;
import io.drover.core.model.Resources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Job containers are closed whatever the job asks: no privileges to gain, limits always set, the
 * root file system read-only on request, and host paths only where the agent allows them. Runs real
 * containers ({@link DockerTestSupport}), as root inside unless a test says otherwise.
 */
class DockerConfinementTest {

  private static final String RUN_ID = UUID.randomUUID().toString().substring(0, 8);
  private static final String NODE_ID = "confinement-" + RUN_ID;
  private static final Resources LIMITS = new Resources(500, 64, 0);
  /**
   * The bits of {@link DockerSettings#DEFAULT_CAPABILITIES} as /proc/self/status shows them: CHOWN
   * (0), DAC_OVERRIDE (1), FOWNER (3), FSETID (4), KILL (5), SETGID (6), SETUID (7), NET_BIND_SERVICE
   * (10).
   */
  private static final String DEFAULT_CAPABILITY_BITS = "00000000000004fb";

  private static ExecutorService pool;
  private static DockerClient docker;
  private static DockerAttemptExecutor executor;

  @TempDir static Path hostDir;

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
  void rootInAContainerKeepsOnlyTheDefaultCapabilitiesAndGainsNoPrivileges() throws Exception {
    Map<String, String> seen = run(executor, spec(
        "echo uid=$(id -u); grep -E '^(CapEff|CapPrm|CapBnd|NoNewPrivs):' /proc/self/status | sed 's/:[[:space:]]*/=/';"
            + " mount -t tmpfs none /mnt 2>/dev/null && echo mount=done;"
            + " chroot / true 2>/dev/null && echo chroot=done;"
            + " mknod /dev/null2 c 1 3 2>/dev/null && echo mknod=done; true"));

    assertEquals("0", seen.get("uid"), "the test means to run as root in the container");
    assertEquals(DEFAULT_CAPABILITY_BITS, seen.get("CapEff"));
    assertEquals(DEFAULT_CAPABILITY_BITS, seen.get("CapPrm"));
    assertEquals(DEFAULT_CAPABILITY_BITS, seen.get("CapBnd"));
    assertEquals("1", seen.get("NoNewPrivs"));
    assertFalse(seen.containsKey("mount"), "mounted a file system: " + seen);
    assertFalse(seen.containsKey("chroot"), "changed root: " + seen);
    assertFalse(seen.containsKey("mknod"), "made a device node: " + seen);
  }

  @Test
  void withNoCapabilitiesConfiguredRootInAContainerHasNone() throws Exception {
    DockerAttemptExecutor bare = new DockerAttemptExecutor(settings(true, List.of(), 4096, List.of()), pool);
    try {
      Map<String, String> seen = run(bare, spec(
          "grep -E '^(CapEff|CapBnd|NoNewPrivs):' /proc/self/status | sed 's/:[[:space:]]*/=/'; chown 1000 /tmp && echo chown=done;"
              + " true"));

      assertEquals("0000000000000000", seen.get("CapEff"));
      assertEquals("0000000000000000", seen.get("CapBnd"));
      assertEquals("1", seen.get("NoNewPrivs"));
      assertFalse(seen.containsKey("chown"), "changed an owner without CHOWN: " + seen);
    } finally {
      bare.close();
    }
  }

  @Test
  void theContainerHasItsMemoryCpuAndPidsLimitsAndItsConfinement() throws Exception {
    DockerAttemptExecutor keeping = new DockerAttemptExecutor(settings(false, DockerSettings.DEFAULT_CAPABILITIES, 64,
        List.of()), pool);
    try {
      RecordingSink sink = new RecordingSink();
      Execution execution = await(keeping.start(spec(
          "echo pids=$(cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max)"), sink));
      assertEquals(0, await(execution.exit()).exitCode());

      assertEquals("pids=64\n", sink.text(OutputStream.STDOUT), "the kernel enforces the pids limit");
      HostConfig host = docker.inspectContainerCmd(execution.id()).exec().getHostConfig();
      assertEquals(64L * 1024 * 1024, host.getMemory());
      assertEquals(64L * 1024 * 1024, host.getMemorySwap(), "no swap beyond the memory limit");
      assertEquals(500_000_000L, host.getNanoCPUs());
      assertEquals(64L, host.getPidsLimit());
      assertEquals(Boolean.FALSE, host.getPrivileged());
      assertEquals(List.of(Capability.ALL), Arrays.asList(host.getCapDrop()));
      assertEquals(DockerSettings.DEFAULT_CAPABILITIES, Arrays.asList(host.getCapAdd()));
      assertEquals(List.of("no-new-privileges"), host.getSecurityOpts());
      assertEquals("none", host.getNetworkMode());
    } finally {
      keeping.close();
    }
  }

  @Test
  void aPrivilegedJobIsRefusedAtLaunch() {
    LaunchSpec privileged = new LaunchSpec("job-privileged", 1, NODE_ID, IMAGE, List.of("true"), Map.of(), LIMITS,
        null, false, true, List.of(), Map.of(RUN_LABEL, RUN_ID));

    assertEquals(DockerAttemptExecutor.PRIVILEGED_REFUSED, launchFailure(executor, privileged));
  }

  @Test
  void anAttemptWithoutLimitsIsRefusedAtLaunch() {
    LaunchSpec unlimited = new LaunchSpec("job-unlimited", 1, NODE_ID, IMAGE, List.of("true"), Map.of(),
        new Resources(0, 64, 0), null, false, false, List.of(), Map.of(RUN_LABEL, RUN_ID));

    assertEquals("CannotStartContainerError: the attempt reserves 0 vCPU, 64 MiB; Drover starts no container without "
        + "a vCPU and a memory limit", launchFailure(executor, unlimited));
  }

  /**
   * The tmpfs keeps the image's /tmp mode; the test image's /tmp is root's 0755 (ordinary images
   * have 1777, writable for any user).
   */
  @Test
  void aReadOnlyRootFileSystemRefusesWritesButTmpIsAWritableTmpfs() throws Exception {
    Map<String, String> seen = run(executor, readOnlySpec(null, List.of(),
        "touch /file 2>/dev/null && echo root=written; echo tmp > /tmp/file && echo tmp=$(cat /tmp/file);"
            + " echo fs=$(grep ' /tmp ' /proc/mounts | cut -d' ' -f3)"));

    assertEquals(Map.of("tmp", "tmp", "fs", "tmpfs"), seen);
  }

  @Test
  void aVolumeWithoutHostPathIsAnEmptyWritableVolume() throws Exception {
    Map<String, String> seen = run(executor, readOnlySpec(null,
        List.of(new ContainerMount("scratch", null, "/scratch", false)),
        "echo files=$(ls -A /scratch | wc -l); echo kept > /scratch/f && echo scratch=$(cat /scratch/f)"));

    assertEquals(Map.of("files", "0", "scratch", "kept"), seen);
  }

  @Test
  void aHostPathOutsideTheAllowedOnesIsRefusedAtLaunchNamingThePathAndTheSetting() throws Exception {
    Path allowed = Files.createDirectories(hostDir.resolve("refusing"));
    DockerAttemptExecutor restricted = new DockerAttemptExecutor(settings(true, List.of(), 4096, List.of(allowed)), pool);
    String nodeId = NODE_ID + "-refused";
    try {
      LaunchSpec spec = new LaunchSpec("job-etc", 1, nodeId, IMAGE, List.of("cat", "/host/passwd"), Map.of(), LIMITS,
          null, false, false, List.of(new ContainerMount("config", "/etc", "/host", true)), Map.of(RUN_LABEL, RUN_ID));

      assertEquals("CannotStartContainerError: host path /etc (volume 'config') is not allowed on this agent: "
          + "drover.agent.docker.allowed-host-paths allows only paths under " + allowed, launchFailure(restricted, spec));
      assertEquals("CannotStartContainerError: host path /etc (volume 'config') is not allowed on this agent: "
          + "drover.agent.docker.allowed-host-paths allows no host paths", launchFailure(executor, spec));
      assertEquals(List.of(), await(restricted.leftovers(nodeId)), "no container was created");
    } finally {
      restricted.close();
    }
  }

  @Test
  void aHostPathUnderAnAllowedOneIsMountedReadOnlyOrWritableAsAsked() throws Exception {
    Path allowed = Files.createDirectories(hostDir.resolve("shared"));
    Path input = Files.createDirectories(allowed.resolve("input"));
    Files.writeString(input.resolve("greeting"), "hello from the host");
    Path output = Files.createDirectories(allowed.resolve("output"));
    DockerAttemptExecutor sharing = new DockerAttemptExecutor(settings(true, DockerSettings.DEFAULT_CAPABILITIES, 4096,
        List.of(allowed)), pool);
    try {
      Map<String, String> seen = run(sharing, readOnlySpec(null, List.of(
              new ContainerMount("in", input.toString(), "/in", true),
              new ContainerMount("out", output.toString(), "/out", false)),
          "echo read=$(cat /in/greeting | tr ' ' _); touch /in/x 2>/dev/null && echo in=written;"
              + " echo result > /out/result && echo out=written"));

      assertEquals(Map.of("read", "hello_from_the_host", "out", "written"), seen);
      assertEquals("result\n", Files.readString(output.resolve("result")));
      assertFalse(Files.exists(input.resolve("x")));
    } finally {
      sharing.close();
    }
  }

  /** Runs {@code spec} to its exit (which must be 0) and reads its stdout lines as {@code key=value}. */
  private static Map<String, String> run(DockerAttemptExecutor runner, LaunchSpec spec) throws Exception {
    RecordingSink sink = new RecordingSink();
    Execution execution = await(runner.start(spec, sink));
    ExitStatus status = await(execution.exit());
    assertEquals(0, status.exitCode(), () -> "exit " + status + ", stdout: " + sink.text(OutputStream.STDOUT)
        + ", stderr: " + sink.text(OutputStream.STDERR));
    return Arrays.stream(sink.text(OutputStream.STDOUT).split("\n"))
        .filter(line -> !line.isBlank())
        .map(line -> line.split("=", 2))
        .collect(Collectors.toMap(pair -> pair[0], pair -> pair.length > 1 ? pair[1] : ""));
  }

  private static String launchFailure(DockerAttemptExecutor runner, LaunchSpec spec) {
    ExecutionException failure =
        assertThrows(ExecutionException.class, () -> await(runner.start(spec, new RecordingSink())));
    return assertInstanceOf(LaunchFailedException.class, failure.getCause()).getMessage();
  }

  private static LaunchSpec spec(String script) {
    return new LaunchSpec("job-confined", 1, NODE_ID, IMAGE, List.of("sh", "-c", script), Map.of(), LIMITS, null,
        false, false, List.of(), Map.of(RUN_LABEL, RUN_ID));
  }

  private static LaunchSpec readOnlySpec(String user, List<ContainerMount> mounts, String script) {
    return new LaunchSpec("job-read-only", 1, NODE_ID, IMAGE, List.of("sh", "-c", script), Map.of(), LIMITS, user,
        true, false, mounts, Map.of(RUN_LABEL, RUN_ID));
  }
}
