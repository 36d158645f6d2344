package io.drover.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.metrics.NodeMetrics;
import io.drover.node.cassandra.RepoRoot;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** deploy/grafana/drover-dashboard.json queries only metrics the nodes register, and shows every Drover metric. */
class GrafanaDashboardTest {

  private static final Pattern METRIC = Pattern.compile("\\b(?:drover|jvm|process)_[a-zA-Z0-9_]*");

  private static JsonNode dashboard;
  private static List<String> expressions;
  private static Set<String> exposed;

  @BeforeAll
  static void load() throws Exception {
    Path file = RepoRoot.locate().resolve("deploy/grafana/drover-dashboard.json");
    dashboard = new ObjectMapper().readTree(Files.readString(file));
    expressions = new ArrayList<>();
    dashboard.get("panels").forEach(panel -> panel.get("targets").forEach(t -> expressions.add(t.get("expr").asText())));
    NodeMetrics metrics = new NodeMetrics(new PrometheusRegistry());
    metrics.controller();
    metrics.agent();
    exposed = sampleNames(metrics.registry());
  }

  @Test
  void everyMetricAQueryUsesIsOneTheNodesRegister() {
    assertTrue(exposed.contains("drover_jobs_submitted_total") && exposed.contains("jvm_memory_used_bytes"), exposed.toString());
    assertFalse(expressions.isEmpty());
    for (String expr : expressions) {
      Set<String> used = namesIn(expr);
      assertFalse(used.isEmpty(), "no metric in " + expr);
      for (String name : used) {
        assertTrue(exposed.contains(name), name + " (in " + expr + ") is not a metric Drover exposes");
      }
    }
  }

  @Test
  void everyDroverMetricHasAPanel() {
    Set<String> used = new TreeSet<>();
    expressions.forEach(expr -> used.addAll(namesIn(expr)));
    Set<String> unused = new TreeSet<>();
    for (String name : exposed) {
      String base = name.replaceAll("_(total|bucket|count|sum|created)$", "");
      if (name.startsWith("drover_") && !name.endsWith("_created")
          && used.stream().noneMatch(u -> u.equals(name) || u.startsWith(base + "_") || u.equals(base))) {
        unused.add(name);
      }
    }
    assertEquals(Set.of(), unused, "Drover metrics without a panel");
  }

  @Test
  void isAGrafanaDashboardWithADatasourceVariable() {
    assertEquals(39, dashboard.get("schemaVersion").asInt());
    JsonNode variable = dashboard.get("templating").get("list").get(0);
    assertEquals("datasource", variable.get("name").asText());
    assertEquals("prometheus", variable.get("query").asText());
    dashboard.get("panels").forEach(panel ->
        assertEquals("${datasource}", panel.get("datasource").get("uid").asText(), panel.get("title").asText()));
  }

  private static Set<String> namesIn(String expr) {
    Set<String> names = new TreeSet<>();
    Matcher m = METRIC.matcher(expr);
    while (m.find()) {
      names.add(m.group());
    }
    return names;
  }

  /** The names of the samples each registered metric is exposed as in the text format. */
  private static Set<String> sampleNames(PrometheusRegistry registry) {
    Set<String> names = new TreeSet<>();
    for (MetricSnapshot snapshot : registry.scrape()) {
      String name = snapshot.getMetadata().getPrometheusName();
      if (snapshot instanceof CounterSnapshot) {
        names.addAll(List.of(name + "_total", name + "_created"));
      } else if (snapshot instanceof HistogramSnapshot) {
        names.addAll(List.of(name + "_bucket", name + "_count", name + "_sum", name + "_created"));
      } else if (snapshot instanceof SummarySnapshot) {
        names.addAll(List.of(name, name + "_count", name + "_sum", name + "_created"));
      } else if (snapshot instanceof InfoSnapshot) {
        names.add(name + "_info");
      } else {
        names.add(name);
      }
    }
    return names;
  }
}
