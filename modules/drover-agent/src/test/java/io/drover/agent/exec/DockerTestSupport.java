package io.drover.agent.exec;

import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The real Docker engine at {@code /var/run/docker.sock} and the local image {@code
 * drover/busybox:local} the Docker tests run against. A test fails (never skips) when either is
 * missing.
 */
final class DockerTestSupport {

  static final String HOST = DockerSettings.DEFAULT_HOST;
  static final String IMAGE = "drover/busybox:local";
  /** Every test container carries this label with its class's run id, so the class removes them all. */
  static final String RUN_LABEL = "drover.test-run";

  private DockerTestSupport() {}

  /** A client of the engine, once it has answered and has the test image. */
  static DockerClient connect() {
    DockerClient docker =
        DockerClientImpl.getInstance(
            DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(HOST).build(),
            new ApacheDockerHttpClient.Builder()
                .dockerHost(URI.create(HOST))
                .responseTimeout(Duration.ofSeconds(30))
                .build());
    try {
      docker.pingCmd().exec();
    } catch (RuntimeException e) {
      fail("Docker is not reachable at " + HOST + " (" + e.getMessage() + "). Start it with `dockerd --bridge=none "
          + "--iptables=false &`, then build the test image with deploy/dev/build-busybox-image.", e);
    }
    try {
      docker.inspectImageCmd(IMAGE).exec();
    } catch (NotFoundException e) {
      fail("The test image " + IMAGE + " is missing: run deploy/dev/build-busybox-image.", e);
    }
    return docker;
  }

  /** Settings for the tests: no network, a short pull timeout, the default confinement. */
  static DockerSettings settings(boolean removeContainers) {
    return settings(removeContainers, DockerSettings.DEFAULT_CAPABILITIES, 4096, List.of());
  }

  static DockerSettings settings(
      boolean removeContainers, List<com.github.dockerjava.api.model.Capability> capabilities, long pidsLimit,
      List<Path> allowedHostPaths) {
    return new DockerSettings(HOST, "none", Duration.ofSeconds(30), removeContainers, pidsLimit, capabilities,
        allowedHostPaths);
  }

  /** Removes every container labelled with {@code runId}. */
  static void removeContainers(DockerClient docker, String runId) {
    List<Container> created =
        docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(RUN_LABEL, runId)).exec();
    for (Container container : created) {
      try {
        docker.removeContainerCmd(container.getId()).withForce(true).withRemoveVolumes(true).exec();
      } catch (NotFoundException | ConflictException alreadyBeingRemoved) {
        // the executor removes exited containers in the background
      }
    }
  }

  static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
