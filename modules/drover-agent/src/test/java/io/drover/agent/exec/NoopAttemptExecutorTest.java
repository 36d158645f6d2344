package io.drover.agent.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.drover.agent.AgentSettings;
import io.drover.agent.DroverAgent;
import io.drover.core.model.Resources;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Attempts that only take time: no process, no output. */
class NoopAttemptExecutorTest {

  private final AtomicInteger outputChunks = new AtomicInteger();
  private final OutputSink sink = (stream, data) -> outputChunks.incrementAndGet();
  private NoopAttemptExecutor executor;

  @AfterEach
  void tearDown() {
    if (executor != null) {
      executor.close();
    }
  }

  @Test
  void anAttemptRunsForTheRunTimeAndExitsZeroWithoutOutput() throws Exception {
    executor = new NoopAttemptExecutor(Duration.ofMillis(300));
    long startedNanos = System.nanoTime();

    Execution execution = await(executor.start(spec("job-run"), sink));
    ExitStatus status = await(execution.exit());

    Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
    assertEquals(new ExitStatus(0, null), status);
    assertTrue(took.compareTo(Duration.ofMillis(300)) >= 0, "ended before its run time: " + took);
    assertEquals(0, outputChunks.get());
    assertTrue(execution.id().startsWith("noop:"), execution.id());
  }

  @Test
  void aZeroRunTimeEndsAtOnce() throws Exception {
    executor = new NoopAttemptExecutor(Duration.ZERO);

    Execution execution = await(executor.start(spec("job-zero"), sink));

    assertEquals(new ExitStatus(0, null), await(execution.exit()));
  }

  @Test
  void stopEndsTheAttemptEarlyAsKilled() throws Exception {
    executor = new NoopAttemptExecutor(Duration.ofHours(1));
    Execution execution = await(executor.start(spec("job-stop"), sink));
    assertFalse(execution.exit().toCompletableFuture().isDone(), "ended before its run time");

    execution.stop(Duration.ofSeconds(30));
    execution.stop(Duration.ofSeconds(30));

    assertEquals(new ExitStatus(137, null), await(execution.exit()));
    assertEquals(0, outputChunks.get());
  }

  @Test
  void attemptsRunSideBySideAndEachEndsOnItsOwn() throws Exception {
    executor = new NoopAttemptExecutor(Duration.ofMillis(200));
    Execution stopped = await(executor.start(spec("job-a"), sink));
    Execution ran = await(executor.start(spec("job-b"), sink));

    stopped.stop(Duration.ZERO);

    assertEquals(137, await(stopped.exit()).exitCode());
    assertEquals(0, await(ran.exit()).exitCode());
    assertNotEquals(stopped.id(), ran.id());
  }

  @Test
  void closeEndsRunningAttemptsAndRefusesNewOnes() throws Exception {
    executor = new NoopAttemptExecutor(Duration.ofHours(1));
    Execution execution = await(executor.start(spec("job-close"), sink));

    executor.close();

    assertEquals(137, await(execution.exit()).exitCode());
    ExecutionException refused = assertThrows(ExecutionException.class, () -> await(executor.start(spec("job-late"), sink)));
    assertInstanceOf(LaunchFailedException.class, refused.getCause());
    assertTrue(refused.getCause().getMessage().startsWith("CannotStartContainerError: "), refused.getCause().getMessage());
  }

  @Test
  void nothingIsLeftForALaterAgent() throws Exception {
    executor = new NoopAttemptExecutor(Duration.ZERO);

    assertEquals(List.of(), await(executor.leftovers("test-node")));
  }

  @Test
  void theAgentPicksItByConfigurationWithItsRunTime() throws Exception {
    AgentSettings settings = AgentSettings.from(ConfigFactory.parseString(
        "drover.agent { executor = noop, noop.run-time = 250ms }").withFallback(ConfigFactory.load()));
    ExecutorService blocking = DroverAgent.blockingPool(settings);
    try (AttemptExecutor chosen = DroverAgent.executor(settings, blocking)) {
      assertEquals("noop", chosen.name());
      assertEquals(Duration.ofMillis(250), settings.noopRunTime());
      Execution execution = await(chosen.start(spec("job-configured"), sink));
      assertEquals(0, await(execution.exit()).exitCode());
    } finally {
      blocking.shutdownNow();
    }
    assertThrows(IllegalArgumentException.class, () -> AgentSettings.from(ConfigFactory.parseString(
        "drover.agent.noop.run-time = -1s").withFallback(ConfigFactory.load())));
  }

  private static LaunchSpec spec(String jobId) {
    return new LaunchSpec(jobId, 1, "test-node", "x", List.of("true"), Map.of(), Resources.of(1, 16, 0), null, false,
        false, List.of(), Map.of());
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
