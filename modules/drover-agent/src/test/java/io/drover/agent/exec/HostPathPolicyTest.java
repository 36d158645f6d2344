package io.drover.agent.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.drover.core.definition.ContainerMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which host paths containers may mount, on a real file system. */
class HostPathPolicyTest {

  @TempDir Path root;
  private Path allowed;
  private Path other;

  @BeforeEach
  void setUp() throws IOException {
    allowed = Files.createDirectories(root.resolve("allowed"));
    other = Files.createDirectories(root.resolve("other"));
  }

  private static ContainerMount mount(Object hostPath) {
    return new ContainerMount("data", hostPath.toString(), "/data", false);
  }

  private static String refusal(HostPathPolicy policy, Object hostPath) {
    return assertThrows(LaunchFailedException.class, () -> policy.resolve(mount(hostPath))).getMessage();
  }

  @Test
  void withNoAllowedPathsEveryHostPathIsRefused() {
    HostPathPolicy policy = new HostPathPolicy(List.of());

    assertEquals("CannotStartContainerError: host path " + allowed + " (volume 'data') is not allowed on this agent: "
        + "drover.agent.docker.allowed-host-paths allows no host paths", refusal(policy, allowed));
    assertEquals("CannotStartContainerError: host path / (volume 'data') is not allowed on this agent: "
        + "drover.agent.docker.allowed-host-paths allows no host paths", refusal(policy, "/"));
  }

  @Test
  void anAllowedDirectoryAndWhatIsUnderItAreMounted() throws IOException {
    Path file = Files.writeString(Files.createDirectories(allowed.resolve("a/b")).resolve("f"), "x");
    HostPathPolicy policy = new HostPathPolicy(List.of(other.resolve("unrelated"), allowed));

    assertEquals(allowed.toRealPath(), policy.resolve(mount(allowed)));
    assertEquals(file.toRealPath(), policy.resolve(mount(file)));
  }

  @Test
  void aPathBesideOrAboveAnAllowedOneIsRefusedNamingTheAllowedOnes() {
    HostPathPolicy policy = new HostPathPolicy(List.of(allowed, root.resolve("more")));
    String allows = "drover.agent.docker.allowed-host-paths allows only paths under " + allowed + ", "
        + root.resolve("more");

    assertEquals("CannotStartContainerError: host path " + other + " (volume 'data') is not allowed on this agent: "
        + allows, refusal(policy, other));
    assertEquals("CannotStartContainerError: host path " + root + " (volume 'data') is not allowed on this agent: "
        + allows, refusal(policy, root));
    assertEquals("CannotStartContainerError: host path " + allowed + "-not (volume 'data') is not allowed on this "
        + "agent: " + allows, refusal(policy, allowed + "-not"));
    assertEquals("CannotStartContainerError: host path " + allowed + "/../other (volume 'data') is not allowed on "
        + "this agent: " + allows, refusal(policy, allowed + "/../other"));
  }

  @Test
  void aLinkLeadingOutOfAnAllowedDirectoryIsRefused() throws IOException {
    Path link = Files.createSymbolicLink(allowed.resolve("escape"), other);
    HostPathPolicy policy = new HostPathPolicy(List.of(allowed));

    assertEquals("CannotStartContainerError: host path " + link + " (volume 'data'), which resolves to "
        + other.toRealPath() + ", is not allowed on this agent: drover.agent.docker.allowed-host-paths allows only "
        + "paths under " + allowed, refusal(policy, link));
  }

  @Test
  void aLinkStayingInsideAnAllowedDirectoryAndAnAllowedDirectoryThatIsALinkAreMounted() throws IOException {
    Path target = Files.createDirectories(allowed.resolve("target"));
    Path inside = Files.createSymbolicLink(allowed.resolve("inside"), target);
    Path linkedRoot = Files.createSymbolicLink(root.resolve("linked"), allowed);

    assertEquals(target.toRealPath(), new HostPathPolicy(List.of(allowed)).resolve(mount(inside)));
    assertEquals(target.toRealPath(), new HostPathPolicy(List.of(linkedRoot)).resolve(mount(linkedRoot.resolve("target"))));
  }

  @Test
  void aMissingPathIsRefusedAsMissing() {
    assertEquals("CannotStartContainerError: host path " + allowed.resolve("nothing") + " (volume 'data') does not "
        + "exist on this host", refusal(new HostPathPolicy(List.of(allowed)), allowed.resolve("nothing")));
  }
}
