package io.drover.agent.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** Work handed to an executor's threads logs with the MDC of the runner that handed it over, and only that work. */
class MdcPropagatingExecutorTest {

  private final ExecutorService pool = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    MDC.clear();
    pool.shutdownNow();
  }

  @Test
  void aTaskRunsWithTheMdcOfWhoHandedItOverAndTheThreadGetsItsOwnBack() throws Exception {
    MdcPropagatingExecutor executor = new MdcPropagatingExecutor(pool);
    pool.submit(() -> MDC.put("pool", "own")).get(5, TimeUnit.SECONDS);

    MDC.setContextMap(Map.of("jobId", "job-1", "attempt", "2", "node", "agent-7"));
    Map<String, String> seen = CompletableFuture.supplyAsync(MDC::getCopyOfContextMap, executor).get(5, TimeUnit.SECONDS);
    assertEquals(Map.of("jobId", "job-1", "attempt", "2", "node", "agent-7"), seen);

    MDC.clear();
    Map<String, String> after = CompletableFuture.supplyAsync(MDC::getCopyOfContextMap, pool).get(5, TimeUnit.SECONDS);
    assertEquals(Map.of("pool", "own"), after, "the pool thread's own MDC is back");
    Map<String, String> none = CompletableFuture.supplyAsync(MDC::getCopyOfContextMap, executor).get(5, TimeUnit.SECONDS);
    assertTrue(none == null || none.isEmpty(), "nothing handed over, nothing set: " + none);
  }
}
