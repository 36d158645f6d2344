package io.drover.node.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.drover.controller.ControllerSettings;
import io.drover.controller.api.AdminApi;
import io.drover.controller.api.BatchApi;
import io.drover.metrics.NodeMetrics;
import io.drover.node.cassandra.RepoRoot;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/api.md has a heading for every AWS Batch operation the API serves (under "AWS Batch
 * operations") and for every admin operation (under "Admin API"), and none for an operation it
 * does not serve.
 */
class ApiDocsTest {

  private static ActorSystem<Void> system;
  private static List<String> lines;

  @BeforeAll
  static void start() throws Exception {
    Config config = ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.hostname = "127.0.0.1"
        pekko.remote.artery.canonical.port = 0
        """).withFallback(ConfigFactory.load());
    system = ActorSystem.create(Behaviors.empty(), "api-docs", config);
    lines = Files.readAllLines(RepoRoot.locate().resolve("docs/api.md"));
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  @Test
  void everyBatchOperationHasAHeadingAndEveryHeadingIsAnOperation() {
    ControllerSettings settings = ControllerSettings.from(system.settings().config());
    BatchApi batch = new BatchApi(system, new ObjectMapper(), settings, null, null,
        new NodeMetrics(new PrometheusRegistry()).controller());
    Set<String> served = new TreeSet<>(batch.operationNames());
    assertTrue(served.contains("submitjob"), served.toString());
    assertEquals(served, lowerCase(headings("## AWS Batch operations", "### ")),
        "### headings under \"## AWS Batch operations\" in docs/api.md and BatchApi's operations differ");
  }

  @Test
  void everyAdminOperationHasAHeadingAndEveryHeadingIsAnOperation() {
    AdminApi admin = new AdminApi(new ObjectMapper(), null, null, null);
    Set<String> documented = lowerCase(headings("### Admin API", "#### "));
    List<String> unknown = documented.stream().filter(name -> !admin.knows(name)).toList();
    assertEquals(List.of(), unknown, "docs/api.md documents admin operations AdminApi does not serve");
    assertEquals(new TreeSet<>(admin.operationNames()), documented,
        "#### headings under \"### Admin API\" in docs/api.md and AdminApi's operations differ");
  }

  /** The first word of each heading with {@code prefix} in the section that starts with the line {@code section}. */
  private static List<String> headings(String section, String prefix) {
    int start = lines.indexOf(section);
    assertTrue(start >= 0, "docs/api.md has no line \"" + section + "\"");
    List<String> found = new ArrayList<>();
    for (String line : lines.subList(start + 1, lines.size())) {
      if (line.startsWith("#") && headingLevel(line) <= headingLevel(section)) {
        break;
      }
      if (line.startsWith(prefix)) {
        found.add(line.substring(prefix.length()).strip().split("\\s+")[0]);
      }
    }
    return found;
  }

  private static int headingLevel(String line) {
    int n = 0;
    while (n < line.length() && line.charAt(n) == '#') {
      n++;
    }
    return n;
  }

  private static Set<String> lowerCase(List<String> names) {
    Set<String> set = new TreeSet<>();
    names.forEach(n -> assertTrue(set.add(n.toLowerCase(Locale.ROOT)), n + " has two headings in docs/api.md"));
    return set;
  }
}
