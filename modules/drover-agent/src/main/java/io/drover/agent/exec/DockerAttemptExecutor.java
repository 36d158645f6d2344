package io.drover.agent.exec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.PullImageCmd;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.DeviceRequest;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.api.model.WaitResponse;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.drover.core.definition.ContainerMount;
import io.drover.core.model.Resources;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs attempts as Docker containers, through docker-java with the Apache httpclient5 transport.
 *
 * <p>Launch: if the image is not present locally it is pulled, within the configured pull timeout
 * (failure: {@code CannotPullContainerError: <Docker's message>}). The container is created with the
 * spec's command (the image's default when empty), environment, user, labels and mounts, the
 * limits and the confinement below, then started (failure: {@code CannotStartContainerError:
 * <Docker's message>}, and the half-created container is removed). The followed log stream is
 * attached right after the start; Docker replays the container's log from its beginning, so no
 * output is lost in between.
 *
 * <p>Confinement, the same for every container whatever the job asks:
 * <ul>
 *   <li>never privileged: a spec that asks for it fails the launch ({@value #PRIVILEGED_REFUSED});
 *   <li>every capability dropped but {@link DockerSettings#capabilities()} (see there for the
 *       default and why), and {@code no-new-privileges}, so neither setuid binaries nor file
 *       capabilities give a process more than its parent had; Docker's default seccomp profile
 *       stays on;
 *   <li>a hard memory limit with as much memory+swap (no swap beyond it), vCPUs as NanoCPUs, and
 *       {@link DockerSettings#pidsLimit()}; a spec without vCPUs or memory fails the launch, so no
 *       container runs unlimited; GPUs as a device request;
 *   <li>a read-only root file system when the job definition asks for one, with a writable tmpfs
 *       at {@value #TMP} (starting as a copy of the image's, with its mode; its pages count against
 *       the memory limit) so ordinary programs still work;
 *   <li>host paths mounted only under {@link DockerSettings#allowedHostPaths()} ({@link
 *       HostPathPolicy}; otherwise the launch fails naming the path and the setting); a volume
 *       without a host path is an empty Docker volume, removed with the container;
 *   <li>the network mode from the agent's settings, never from the job.
 * </ul>
 *
 * <p>Exit: {@link Execution#exit()} completes once the log stream has ended, the exit code is known
 * and the log has been caught up: Docker can end a followed log stream before the end of the log
 * when the container exits while it is read (Docker 20.10 lost the tail of a 20,000-line output in
 * 2 of 40 runs), so the stored log is read once more, without following, and only what lies past
 * the bytes already delivered on each stream reaches the sink ({@link #catchUp}). The container is
 * then inspected (an OOM kill gives the reason {@value #OOM_REASON}) and, if {@link
 * DockerSettings#removeContainers()}, removed in the background.
 *
 * <p>Threads: request/response calls (inspect, pull, create, start, stop, remove, list) run on the
 * executor passed to the constructor. The followed log stream and the wait for the exit code are
 * docker-java streaming calls, which docker-java reads on a daemon thread of its own per stream, so
 * a running container holds none of the caller's threads. Two clients are used: one with connect and
 * response timeouts for short calls, and one without a response timeout (in httpclient5 it is an
 * idle read timeout) for waits, followed logs, pulls and stops, which legitimately stay silent.
 *
 * <p>Every container is labelled {@value #LABEL_JOB_ID}, {@value #LABEL_ATTEMPT}, {@value
 * #LABEL_NODE_ID}, {@value #LABEL_MANAGED}{@code =true} and with the resources it reserves, so that a
 * restarted agent finds it with {@link #leftovers} and re-attaches to it ({@link #reattach}: the
 * same followed log, from the beginning, and wait) or reaps it. {@link #close()} closes the streams
 * and clients but leaves containers running.
 */
public final class DockerAttemptExecutor implements AttemptExecutor {

  public static final String LABEL_JOB_ID = "drover.job-id";
  public static final String LABEL_ATTEMPT = "drover.attempt";
  public static final String LABEL_NODE_ID = "drover.node-id";
  public static final String LABEL_MANAGED = "drover.managed";
  public static final String LABEL_JOB_QUEUE = "drover.job-queue";
  public static final String LABEL_COMPUTE_ENVIRONMENT = "drover.compute-environment";
  public static final String LABEL_SHARE_IDENTIFIER = "drover.share-identifier";
  public static final String LABEL_VCPU_MILLIS = "drover.vcpu-millis";
  public static final String LABEL_MEMORY_MIB = "drover.memory-mib";
  public static final String LABEL_GPUS = "drover.gpus";
  /** AWS Batch's status reason for a container the kernel killed for exceeding its memory. */
  public static final String OOM_REASON = "OutOfMemoryError: Container killed due to memory usage";
  public static final String PRIVILEGED_REFUSED =
      "CannotStartContainerError: the job asks for a privileged container; Drover never runs privileged containers";
  /** Where a container with a read-only root file system gets a writable tmpfs. */
  static final String TMP = "/tmp";
  /**
   * Docker adds noexec, which programs that run what they unpack in /tmp would fail on. The tmpfs
   * starts as a copy of the image's /tmp, whose owner and mode it keeps (1777 in ordinary images).
   */
  private static final String TMP_OPTIONS = "rw,exec,nosuid,nodev";

  private static final Logger log = LoggerFactory.getLogger(DockerAttemptExecutor.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);
  /** Each running container holds two streaming connections: its log stream and its wait. */
  private static final int MAX_STREAMING_CONNECTIONS = 1024;
  private static final Pattern NOT_NAME_CHARACTER = Pattern.compile("[^a-zA-Z0-9_.-]");
  private static final Pattern STATUS_PREFIX = Pattern.compile("Status \\d+: (.*)", Pattern.DOTALL);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DockerSettings settings;
  private final HostPathPolicy hostPaths;
  private final Executor blocking;
  private final DockerClient client;
  private final DockerClient streamingClient;
  private final Set<Closeable> openStreams = ConcurrentHashMap.newKeySet();

  /**
   * @param settings where the engine is and how to use it
   * @param blocking runs every blocking call; owned by the caller, which must size it for concurrent
   *     launches (a launch holds a thread for the whole pull)
   */
  public DockerAttemptExecutor(DockerSettings settings, Executor blocking) {
    this.settings = settings;
    this.hostPaths = new HostPathPolicy(settings.allowedHostPaths());
    this.blocking = new MdcPropagatingExecutor(blocking);
    DockerClientConfig config =
        DefaultDockerClientConfig.createDefaultConfigBuilder()
            .withDockerHost(settings.dockerHost())
            .build();
    this.client =
        DockerClientImpl.getInstance(
            config,
            new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .connectionTimeout(CONNECT_TIMEOUT)
                .responseTimeout(RESPONSE_TIMEOUT)
                .build());
    this.streamingClient =
        DockerClientImpl.getInstance(
            config,
            new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .connectionTimeout(CONNECT_TIMEOUT)
                .maxConnections(MAX_STREAMING_CONNECTIONS)
                .build());
  }

  @Override
  public String name() {
    return "docker";
  }

  @Override
  public CompletionStage<Execution> start(LaunchSpec spec, OutputSink sink) {
    return supply(() -> launch(spec, sink));
  }

  /**
   * Asks the engine for its version, e.g. {@code 20.10.24 (API 1.41)}; fails when the engine cannot
   * be reached. Agents call it at start to decide whether Docker is usable here.
   */
  public CompletionStage<String> version() {
    return supply(() -> {
      var version = client.versionCmd().exec();
      return version.getVersion() + " (API " + version.getApiVersion() + ")";
    });
  }

  @Override
  public CompletionStage<List<LeftoverExecution>> leftovers(String nodeId) {
    return supply(
        () ->
            client
                .listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(LABEL_NODE_ID, nodeId, LABEL_MANAGED, "true"))
                .exec()
                .stream()
                .map(DockerAttemptExecutor::leftover)
                .toList());
  }

  @Override
  public CompletionStage<Execution> reattach(LeftoverExecution leftover, OutputSink sink) {
    return supply(() -> {
      client.inspectContainerCmd(leftover.id()).exec();
      DockerExecution execution = new DockerExecution(leftover.id(), sink);
      try {
        execution.follow();
      } catch (RuntimeException e) {
        execution.detach();
        throw e;
      }
      return execution;
    });
  }

  @Override
  public CompletionStage<Void> reap(LeftoverExecution leftover, Duration grace) {
    return supply(
        () -> {
          stopContainer(leftover.id(), grace);
          removeContainer(leftover.id());
          return null;
        });
  }

  @Override
  public void close() {
    openStreams.forEach(DockerAttemptExecutor::closeQuietly);
    closeQuietly(client);
    closeQuietly(streamingClient);
  }

  private Execution launch(LaunchSpec spec, OutputSink sink) {
    String image = spec.image();
    if (image == null || image.isBlank()) {
      throw new LaunchFailedException(
          "CannotStartContainerError: the job has no container image", null);
    }
    if (spec.privileged()) {
      throw new LaunchFailedException(PRIVILEGED_REFUSED, null);
    }
    if (spec.resources().milliCpus() <= 0 || spec.resources().memoryMib() <= 0) {
      throw new LaunchFailedException("CannotStartContainerError: the attempt reserves " + spec.resources().describe()
          + "; Drover starts no container without a vCPU and a memory limit", null);
    }
    List<Mount> mounts = mounts(spec);
    ensureImage(image);
    String containerId = null;
    try {
      containerId = createContainer(spec, mounts).exec().getId();
      client.startContainerCmd(containerId).exec();
    } catch (RuntimeException e) {
      if (containerId != null) {
        removeAfterFailedStart(containerId);
      }
      throw new LaunchFailedException("CannotStartContainerError: " + dockerMessage(e), e);
    }
    DockerExecution execution = new DockerExecution(containerId, sink);
    try {
      execution.follow();
    } catch (RuntimeException e) {
      execution.detach();
      removeAfterFailedStart(containerId);
      throw new LaunchFailedException(
          "CannotStartContainerError: cannot follow the container: " + dockerMessage(e), e);
    }
    log.debug("started container {} for job {} attempt {}", containerId, spec.jobId(), spec.attempt());
    return execution;
  }

  private void ensureImage(String image) {
    try {
      client.inspectImageCmd(image).exec();
      return;
    } catch (NotFoundException absent) {
      log.info("pulling image {}", image);
    } catch (RuntimeException e) {
      throw new LaunchFailedException("CannotPullContainerError: " + dockerMessage(e), e);
    }
    PullCallback pull = new PullCallback();
    Duration timeout = settings.pullTimeout();
    try {
      PullImageCmd command = streamingClient.pullImageCmd(image);
      if (!hasTagOrDigest(image)) {
        command.withTag("latest");
      }
      command.exec(pull);
      if (!pull.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new LaunchFailedException(
            "CannotPullContainerError: pulling " + image + " did not finish within " + timeout, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LaunchFailedException(
          "CannotPullContainerError: interrupted while pulling " + image, e);
    } catch (LaunchFailedException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new LaunchFailedException("CannotPullContainerError: " + dockerMessage(e), e);
    }
    if (pull.error != null) {
      throw new LaunchFailedException("CannotPullContainerError: " + pull.error, null);
    }
  }

  /** Without a tag or digest, Docker's pull endpoint would fetch every tag of the repository. */
  private static boolean hasTagOrDigest(String image) {
    String lastComponent = image.substring(image.lastIndexOf('/') + 1);
    return image.contains("@") || lastComponent.contains(":");
  }

  /** The spec's mounts, host paths checked against the allowed ones (else the launch fails). */
  private List<Mount> mounts(LaunchSpec spec) {
    List<Mount> mounts = new ArrayList<>();
    for (ContainerMount mount : spec.mounts()) {
      Mount target = new Mount().withTarget(mount.containerPath()).withReadOnly(mount.readOnly());
      mounts.add(mount.hostPath() == null
          ? target.withType(MountType.VOLUME)
          : target.withType(MountType.BIND).withSource(hostPaths.resolve(mount).toString()));
    }
    return mounts;
  }

  private CreateContainerCmd createContainer(LaunchSpec spec, List<Mount> mounts) {
    Map<String, String> labels = new HashMap<>(spec.labels());
    labels.put(LABEL_JOB_ID, spec.jobId());
    labels.put(LABEL_ATTEMPT, Integer.toString(spec.attempt()));
    labels.put(LABEL_NODE_ID, spec.nodeId());
    labels.put(LABEL_MANAGED, "true");
    labels.put(LABEL_VCPU_MILLIS, Long.toString(spec.resources().milliCpus()));
    labels.put(LABEL_MEMORY_MIB, Long.toString(spec.resources().memoryMib()));
    labels.put(LABEL_GPUS, Integer.toString(spec.resources().gpus()));
    List<String> environment =
        spec.environment().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    CreateContainerCmd create =
        client
            .createContainerCmd(spec.image())
            .withName(containerName(spec))
            .withLabels(labels)
            .withEnv(environment)
            .withHostConfig(hostConfig(spec, mounts));
    if (!spec.command().isEmpty()) {
      create.withCmd(spec.command());
    }
    if (spec.user() != null) {
      create.withUser(spec.user());
    }
    return create;
  }

  private HostConfig hostConfig(LaunchSpec spec, List<Mount> mounts) {
    Resources resources = spec.resources();
    long memoryBytes = resources.memoryMib() * 1024 * 1024;
    HostConfig host =
        HostConfig.newHostConfig()
            .withPrivileged(false)
            .withCapDrop(Capability.ALL)
            .withCapAdd(settings.capabilities().toArray(Capability[]::new))
            .withSecurityOpts(List.of("no-new-privileges"))
            .withPidsLimit(settings.pidsLimit())
            .withMemory(memoryBytes)
            .withMemorySwap(memoryBytes)
            .withNanoCPUs(resources.milliCpus() * 1_000_000)
            .withReadonlyRootfs(spec.readonlyRootFilesystem())
            .withMounts(mounts);
    if (spec.readonlyRootFilesystem() && mounts.stream().noneMatch(mount -> TMP.equals(mount.getTarget()))) {
      host.withTmpFs(Map.of(TMP, TMP_OPTIONS));
    }
    if (resources.gpus() > 0) {
      host.withDeviceRequests(
          List.of(
              new DeviceRequest()
                  .withCount(resources.gpus())
                  .withCapabilities(List.of(List.of("gpu")))));
    }
    if (settings.networkMode() != null) {
      host.withNetworkMode(settings.networkMode());
    }
    return host;
  }

  static String containerName(LaunchSpec spec) {
    String job = NOT_NAME_CHARACTER.matcher(spec.jobId()).replaceAll("-");
    String random = String.format("%08x", ThreadLocalRandom.current().nextInt());
    return "drover-" + job + "-" + spec.attempt() + "-" + random;
  }

  /**
   * Reads the exited container's stored log without following it and hands the sink what lies past
   * the first {@code stdoutSeen} and {@code stderrSeen} bytes of each stream, which the followed
   * stream delivered already. Docker stores both streams in one log in the order written, and a
   * followed stream delivers a prefix of it, so skipping those bytes per stream leaves exactly what
   * the followed stream missed. A log that cannot be read leaves the output as the followed stream
   * delivered it, and says so.
   */
  void catchUp(String containerId, OutputSink sink, long stdoutSeen, long stderrSeen) {
    CatchUpCallback rest = new CatchUpCallback(sink, stdoutSeen, stderrSeen);
    try {
      client
          .logContainerCmd(containerId)
          .withStdOut(true)
          .withStdErr(true)
          .exec(rest)
          .awaitCompletion();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("interrupted while catching up the log of container {}; its output may lack its end", containerId);
      return;
    }
    if (rest.error instanceof NotFoundException) {
      log.debug("container {} was removed before its log was caught up", containerId);
    } else if (rest.error != null) {
      log.warn(
          "cannot read the stored log of container {} to catch up its output, which may lack its end: {}",
          containerId,
          dockerMessage(rest.error));
    } else if (rest.stdoutBytes + rest.stderrBytes > 0) {
      log.debug(
          "the followed log of container {} ended early; delivered its last {} bytes from the stored log",
          containerId,
          rest.stdoutBytes + rest.stderrBytes);
    }
  }

  private ExitStatus finish(String containerId, int exitCode) {
    String reason = null;
    try {
      InspectContainerResponse info = client.inspectContainerCmd(containerId).exec();
      if (Boolean.TRUE.equals(info.getState().getOOMKilled())) {
        reason = OOM_REASON;
      }
    } catch (NotFoundException removed) {
      log.debug("container {} was removed before its exit was inspected", containerId);
    } catch (RuntimeException e) {
      log.warn("cannot inspect exited container {}: {}", containerId, dockerMessage(e));
    }
    if (settings.removeContainers()) {
      // The exit is known and recorded: removal need not delay the report of it.
      try {
        blocking.execute(() -> {
          try {
            removeContainer(containerId);
          } catch (RuntimeException e) {
            log.warn("cannot remove exited container {}: {}", containerId, dockerMessage(e));
          }
        });
      } catch (RejectedExecutionException e) {
        log.warn("cannot remove exited container {}: the executor rejected the task", containerId);
      }
    }
    return new ExitStatus(exitCode, reason);
  }

  private void removeAfterFailedStart(String containerId) {
    try {
      removeContainer(containerId);
    } catch (RuntimeException e) {
      log.warn("cannot remove container {} that failed to start: {}", containerId, dockerMessage(e));
    }
  }

  /** Stops with Docker's SIGTERM-then-SIGKILL; a container already stopped or gone is fine. */
  private void stopContainer(String containerId, Duration grace) {
    int seconds = (int) Math.min(Integer.MAX_VALUE, (Math.max(0, grace.toMillis()) + 999) / 1000);
    try {
      streamingClient.stopContainerCmd(containerId).withTimeout(seconds).exec();
    } catch (NotModifiedException | NotFoundException alreadyStopped) {
      log.debug("container {} was already stopped", containerId);
    }
  }

  private void removeContainer(String containerId) {
    try {
      client.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
    } catch (NotFoundException alreadyRemoved) {
      log.debug("container {} was already removed", containerId);
    } catch (ConflictException removalInProgress) {
      log.debug("container {} is already being removed", containerId);
    }
  }

  private <T> CompletionStage<T> supply(Supplier<T> task) {
    try {
      return CompletableFuture.supplyAsync(task, blocking);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static LeftoverExecution leftover(Container container) {
    Map<String, String> labels = container.getLabels() == null ? Map.of() : container.getLabels();
    Resources resources = new Resources(
        number(labels.get(LABEL_VCPU_MILLIS)), number(labels.get(LABEL_MEMORY_MIB)), (int) number(labels.get(LABEL_GPUS)));
    return new LeftoverExecution(
        container.getId(),
        labels.get(LABEL_JOB_ID),
        (int) Math.max(-1, Math.min(Integer.MAX_VALUE, number(labels.getOrDefault(LABEL_ATTEMPT, "-1")))),
        "running".equals(container.getState()),
        labels.get(LABEL_JOB_QUEUE),
        labels.get(LABEL_COMPUTE_ENVIRONMENT),
        labels.get(LABEL_SHARE_IDENTIFIER),
        resources);
  }

  /** A label's number; 0 when missing or not a number. */
  private static long number(String label) {
    if (label == null) {
      return 0;
    }
    try {
      return Long.parseLong(label);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Docker's own message from a docker-java exception, whose message is {@code Status <code>: <body>}
   * with a JSON body {@code {"message": ...}}.
   */
  static String dockerMessage(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    Matcher status = STATUS_PREFIX.matcher(message);
    String body = (status.matches() ? status.group(1) : message).trim();
    if (body.startsWith("{")) {
      try {
        JsonNode json = JSON.readTree(body);
        if (json.hasNonNull("message")) {
          return json.get("message").asText();
        }
      } catch (JsonProcessingException notJson) {
        return body;
      }
    }
    return body;
  }

  private static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException | RuntimeException e) {
      log.debug("error while closing {}", closeable, e);
    }
  }

  private final class DockerExecution implements Execution {

    private final String containerId;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final LogCallback logs;
    private final WaitCallback waiter = new WaitCallback();
    private final CompletableFuture<ExitStatus> exited;
    private final CompletionStage<ExitStatus> exit;

    DockerExecution(String containerId, OutputSink sink) {
      this.containerId = containerId;
      this.logs = new LogCallback(sink);
      this.exited =
          logs.done
              .thenCombine(waiter.exitCode, (ignored, exitCode) -> exitCode)
              .thenApplyAsync(
                  exitCode -> {
                    catchUp(containerId, sink, logs.stdoutBytes, logs.stderrBytes);
                    return finish(containerId, exitCode);
                  },
                  blocking);
      this.exit = exited.minimalCompletionStage();
    }

    /** Attaches the followed log stream and the wait; both end by themselves when it exits. */
    void follow() {
      openStreams.add(logs);
      openStreams.add(waiter);
      exited.whenComplete(
          (status, error) -> {
            openStreams.remove(logs);
            openStreams.remove(waiter);
          });
      streamingClient
          .logContainerCmd(containerId)
          .withFollowStream(true)
          .withStdOut(true)
          .withStdErr(true)
          .exec(logs);
      streamingClient.waitContainerCmd(containerId).exec(waiter);
    }

    /** Closes the log stream and the wait, which fails {@link #exit()}. */
    void detach() {
      closeQuietly(logs);
      closeQuietly(waiter);
    }

    @Override
    public String id() {
      return containerId;
    }

    @Override
    public CompletionStage<ExitStatus> exit() {
      return exit;
    }

    @Override
    public void stop(Duration grace) {
      if (!stopRequested.compareAndSet(false, true)) {
        return;
      }
      try {
        blocking.execute(
            () -> {
              try {
                stopContainer(containerId, grace);
              } catch (RuntimeException e) {
                log.warn("cannot stop container {}: {}", containerId, dockerMessage(e));
              }
            });
      } catch (RejectedExecutionException e) {
        log.warn("cannot stop container {}: the executor rejected the task", containerId);
      }
    }
  }

  /**
   * Forwards a log's frames to the sink, after skipping the first bytes of each stream, and counts
   * the bytes it forwarded per stream. docker-java hands a Docker frame over in chunks, so skips and
   * counts are in bytes, not frames. Only the stream's one reading thread writes the counts.
   */
  private static class OutputForwarder extends ResultCallback.Adapter<Frame> {

    private final OutputSink sink;
    private long stdoutToSkip;
    private long stderrToSkip;
    volatile long stdoutBytes;
    volatile long stderrBytes;

    OutputForwarder(OutputSink sink, long stdoutToSkip, long stderrToSkip) {
      this.sink = sink;
      this.stdoutToSkip = stdoutToSkip;
      this.stderrToSkip = stderrToSkip;
    }

    @Override
    public void onNext(Frame frame) {
      byte[] payload = frame.getPayload();
      if (payload == null || payload.length == 0) {
        return;
      }
      boolean stderr = frame.getStreamType() == StreamType.STDERR;
      int skipped = (int) Math.min(stderr ? stderrToSkip : stdoutToSkip, payload.length);
      int forwarded = payload.length - skipped;
      if (stderr) {
        stderrToSkip -= skipped;
        stderrBytes += forwarded;
      } else {
        stdoutToSkip -= skipped;
        stdoutBytes += forwarded;
      }
      if (forwarded == 0) {
        return;
      }
      byte[] rest = skipped == 0 ? payload : Arrays.copyOfRange(payload, skipped, payload.length);
      try {
        sink.accept(stderr ? OutputStream.STDERR : OutputStream.STDOUT, rest);
      } catch (RuntimeException e) {
        log.warn("output sink failed; continuing with the next chunk", e);
      }
    }
  }

  /** The followed log, forwarded whole; done when the stream ends, however it ends. */
  private static final class LogCallback extends OutputForwarder {

    final CompletableFuture<Void> done = new CompletableFuture<>();

    LogCallback(OutputSink sink) {
      super(sink, 0, 0);
    }

    @Override
    public void onError(Throwable error) {
      if (!done.isDone()) {
        log.warn("log stream ended with an error: {}", dockerMessage(error));
      }
      closeQuietly(this);
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } finally {
        done.complete(null);
      }
    }
  }

  /** The stored log read once more after the exit, past what the followed stream delivered. */
  private static final class CatchUpCallback extends OutputForwarder {

    volatile Throwable error;

    CatchUpCallback(OutputSink sink, long stdoutToSkip, long stderrToSkip) {
      super(sink, stdoutToSkip, stderrToSkip);
    }

    @Override
    public void onError(Throwable throwable) {
      if (error == null) {
        error = throwable;
      }
      closeQuietly(this);
    }
  }

  /** Records the first error of a pull, whether Docker refused it or reported it mid-stream. */
  private static final class PullCallback extends ResultCallback.Adapter<PullResponseItem> {

    volatile String error;

    @Override
    public void onError(Throwable throwable) {
      if (error == null) {
        error = dockerMessage(throwable);
      }
      closeQuietly(this);
    }

    @Override
    @SuppressWarnings("deprecation") // getError() is the fallback when Docker sends no errorDetail
    public void onNext(PullResponseItem item) {
      if (error == null && item.isErrorIndicated()) {
        error =
            item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                ? item.getErrorDetail().getMessage()
                : item.getError();
      }
    }
  }

  /** Completes with the container's exit code, or exceptionally if the wait stream breaks. */
  private static final class WaitCallback extends ResultCallback.Adapter<WaitResponse> {

    final CompletableFuture<Integer> exitCode = new CompletableFuture<>();

    @Override
    public void onNext(WaitResponse response) {
      exitCode.complete(response.getStatusCode());
    }

    @Override
    public void onError(Throwable error) {
      exitCode.completeExceptionally(
          new IllegalStateException(
              "lost the wait for the container's exit: " + dockerMessage(error), error));
      closeQuietly(this);
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } finally {
        exitCode.completeExceptionally(
            new IllegalStateException("the wait for the container's exit was closed"));
      }
    }
  }
}
