package io.drover.capacity.local;

import io.drover.capacity.CapacityError;
import io.drover.capacity.CapacityProvider;
import io.drover.capacity.ErrorKind;
import io.drover.capacity.InstanceShape;
import io.drover.capacity.InstanceState;
import io.drover.capacity.InstanceTypes;
import io.drover.capacity.LaunchRequest;
import io.drover.capacity.LaunchResult;
import io.drover.capacity.LaunchedInstance;
import io.drover.capacity.ManagedInstance;
import io.drover.capacity.TerminationResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts as local agent processes, for {@code ./drover dev} and tests: a launch starts one agent
 * process per instance with the configured command ({@code ./drover agent}, or the java command
 * line), naming it {@code local-<n>} ({@code DROVER_AGENT_ID} and {@code DROVER_INSTANCE_ID}), its
 * compute environment, lifecycle and the capacity of the instance type it stands for
 * ({@code DROVER_VCPUS}, {@code DROVER_MEMORY_MIB}), with its own remoting and management ports
 * chosen by the system. Terminating sends SIGTERM, so the agent drains and leaves as on a real host.
 * Instance types are the built-in table's ({@link InstanceTypes}); each process's output goes to
 * {@code <logDir>/<id>.log}. Starting and signalling processes run on the executor it is given, never
 * on the caller's thread.
 */
public final class LocalCapacityProvider implements CapacityProvider {

  private static final Logger log = LoggerFactory.getLogger(LocalCapacityProvider.class);

  private record Host(ManagedInstance instance, Process process) {}

  private final List<String> command;
  private final Map<String, String> environment;
  private final Path logDir;
  private final Executor executor;
  private final Map<String, Host> hosts = new LinkedHashMap<>();
  private final AtomicLong launched = new AtomicLong();

  /**
   * @param command the agent command line, e.g. {@code [/opt/drover/drover, agent]}
   * @param environment what every agent gets besides its identity (contact points, Cassandra, ...)
   * @param logDir where each agent's output goes
   * @param executor runs the process starts and signals
   */
  public LocalCapacityProvider(List<String> command, Map<String, String> environment, Path logDir, Executor executor) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("drover.capacity.local.command is empty: give the agent command line, "
          + "for example [\"./drover\", \"agent\"]");
    }
    this.command = List.copyOf(command);
    this.environment = Map.copyOf(environment);
    this.logDir = logDir;
    this.executor = executor;
  }

  @Override
  public String name() {
    return "local";
  }

  @Override
  public CompletionStage<LaunchResult> launch(LaunchRequest request) {
    return CompletableFuture.supplyAsync(() -> launchNow(request), executor);
  }

  private synchronized LaunchResult launchNow(LaunchRequest request) {
    String type = request.instanceTypes().get(0);
    Optional<InstanceShape> shape = InstanceTypes.shape(type);
    if (shape.isEmpty()) {
      return LaunchResult.failed(new CapacityError(ErrorKind.CONFIG,
          "InvalidInstanceType", "the local provider does not know instance type " + type, type, null, null));
    }
    List<LaunchedInstance> started = new ArrayList<>();
    for (int i = 0; i < request.count(); i++) {
      String id = "local-" + launched.incrementAndGet();
      try {
        Process process = start(id, request, shape.get());
        hosts.put(id, new Host(new ManagedInstance(id, request.computeEnvironment(), type, request.spec().lifecycle(),
            InstanceState.RUNNING, Instant.now(), "127.0.0.1", null, shape.get().vcpus(), shape.get().memoryMib()), process));
        started.add(new LaunchedInstance(id, type, request.spec().lifecycle(), null));
        log.info("Started local agent {} ({}, {}) for compute environment {} (pid {}, log {})", id, type,
            request.spec().lifecycle(), request.computeEnvironment(), process.pid(), logDir.resolve(id + ".log"));
      } catch (IOException e) {
        return new LaunchResult(started, List.of(new CapacityError(ErrorKind.CONFIG,
            "CannotStartAgent", "cannot run " + command + ": " + e.getMessage()
                + "; check drover.capacity.local.command", type, null, null)));
      }
    }
    return new LaunchResult(started, List.of());
  }

  private Process start(String id, LaunchRequest request, InstanceShape shape) throws IOException {
    Files.createDirectories(logDir);
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve(id + ".log").toFile()));
    Map<String, String> env = builder.environment();
    env.putAll(environment);
    env.put("DROVER_AGENT_ID", id);
    env.put("DROVER_INSTANCE_ID", id);
    env.put("DROVER_COMPUTE_ENVIRONMENT", request.computeEnvironment());
    env.put("DROVER_AGENT_LIFECYCLE", request.spec().lifecycle().agentValue());
    env.put("DROVER_VCPUS", Integer.toString(shape.vcpus()));
    env.put("DROVER_MEMORY_MIB", Long.toString(shape.memoryMib()));
    env.put("DROVER_REMOTE_PORT", "0");
    env.put("DROVER_MANAGEMENT_PORT", "0");
    return builder.start();
  }

  @Override
  public CompletionStage<TerminationResult> terminate(List<String> instanceIds, String reason) {
    return CompletableFuture.supplyAsync(() -> terminateNow(instanceIds, reason), executor);
  }

  private synchronized TerminationResult terminateNow(List<String> instanceIds, String reason) {
    List<String> terminated = new ArrayList<>();
    List<String> notFound = new ArrayList<>();
    for (String id : new LinkedHashSet<>(instanceIds)) {
      Host host = hosts.remove(id);
      if (host == null) {
        notFound.add(id);
      } else {
        log.info("Stopping local agent {} ({}): SIGTERM, it drains and leaves", id, reason);
        host.process().destroy();
        terminated.add(id);
      }
    }
    return new TerminationResult(terminated, notFound);
  }

  @Override
  public synchronized CompletionStage<List<ManagedInstance>> instances(String computeEnvironment) {
    hosts.values().removeIf(host -> !host.process().isAlive());
    return CompletableFuture.completedFuture(hosts.values().stream()
        .map(Host::instance)
        .filter(instance -> instance.computeEnvironment().equals(computeEnvironment))
        .toList());
  }

  @Override
  public CompletionStage<List<InstanceShape>> instanceTypes(List<String> typesOrFamilies) {
    List<InstanceShape> shapes = new ArrayList<>();
    for (String name : InstanceTypes.withoutKeywords(typesOrFamilies)) {
      if (InstanceTypes.isFamily(name)) {
        InstanceTypes.family(name).ifPresent(shapes::addAll);
      } else {
        InstanceTypes.shape(name).ifPresent(shapes::add);
      }
    }
    return CompletableFuture.completedFuture(shapes.stream().distinct().toList());
  }

  /** Stops every agent it started (SIGTERM, then SIGKILL after 30 s): local hosts do not outlive their controller. */
  @Override
  public synchronized void close() {
    hosts.values().forEach(host -> host.process().destroy());
    for (Host host : hosts.values()) {
      try {
        if (!host.process().waitFor(30, TimeUnit.SECONDS)) {
          host.process().destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        host.process().destroyForcibly();
      }
    }
    hosts.clear();
  }
}
