package io.drover.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.drover.agent.exec.AttemptExecutor;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which executor an agent starts with. */
class DroverAgentTest {

  private ExecutorService blocking;

  @BeforeEach
  void setUp() {
    blocking = DroverAgent.blockingPool(settings("docker"));
  }

  @AfterEach
  void tearDown() {
    blocking.shutdownNow();
  }

  /** An agent whose Docker engine is a closed port on this host. */
  private static AgentSettings settings(String executor) {
    return AgentSettings.from(ConfigFactory.parseString(
            "drover.agent { executor = " + executor + ", docker.host = \"tcp://127.0.0.1:1\" }")
        .withFallback(ConfigFactory.load()));
  }

  @Test
  void withoutAnsweringDockerTheAgentDoesNotFallBackToProcessesButRefusesToStart() {
    for (String executor : new String[] {"auto", "docker"}) {
      IllegalStateException refused =
          assertThrows(IllegalStateException.class, () -> DroverAgent.executor(settings(executor), blocking));

      String message = refused.getMessage();
      assertTrue(message.startsWith("drover.agent.executor is " + executor
          + " but the Docker engine at tcp://127.0.0.1:1 does not answer ("), message);
      assertTrue(message.endsWith("). Start Docker (or point drover.agent.docker.host at it), or set "
          + "drover.agent.executor = process (DROVER_EXECUTOR=process, --executor process) to run job commands "
          + "directly on this host, without containers, as drover.agent.process.run-as-user."), message);
    }
  }

  @Test
  void theProcessExecutorIsUsedWhenChosen() {
    try (AttemptExecutor executor = DroverAgent.executor(settings("process"), blocking)) {
      assertEquals("process", executor.name());
    }
  }
}
