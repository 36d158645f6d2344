package io.drover.node.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.drover.node.cassandra.RepoRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md documents every setting of every module's reference.conf and of conf/*.conf,
 * no setting that no longer exists, each reference.conf default as it is, and every environment
 * variable the conf files read on the setting it overrides.
 */
class ConfigurationDocsTest {

  /** A documented row: {@code | `key` | `default` | `ENV`, ... | meaning |}. */
  private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| ([^|]*) \\| ([^|]*) \\|.*\\|\\s*$");
  private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{\\?([A-Z][A-Z0-9_]*)}");
  private static final Pattern ENV_NAME = Pattern.compile("`([A-Z][A-Z0-9_]*)`");
  private static final String MARKER = "env-marker:";

  /**
   * Settings whose children are the operator's own names (instance types, environment variables):
   * documented as one entry, without their (long) default.
   */
  private static final Set<String> MAPS = Set.of(
      "drover.pricing.on-demand", "drover.pricing.spot", "drover.capacity.local.environment");

  private static Path root;
  private static Map<String, Row> documented;
  private static Map<String, ConfigValue> referenceDefaults;
  private static Set<String> confKeys;
  private static Map<String, Set<String>> environment;

  record Row(String key, String defaultValue, Set<String> variables) {}

  @BeforeAll
  static void load() throws IOException {
    root = RepoRoot.locate();
    documented = documentedRows(root.resolve("docs/configuration.md"));
    referenceDefaults = new TreeMap<>();
    for (Path file : referenceConfs()) {
      Config config = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false))
          .resolveWith(ConfigFactory.systemProperties());
      leaves(config.root(), "").forEach(path -> referenceDefaults.put(path, config.getValue(path)));
    }
    confKeys = new TreeSet<>();
    environment = new TreeMap<>();
    Set<String> variables = new TreeSet<>();
    for (Path file : confFiles()) {
      Matcher m = ENV_REFERENCE.matcher(Files.readString(file));
      while (m.find()) {
        variables.add(m.group(1));
      }
    }
    // Each variable resolves to a marker naming it, so that the settings it overrides can be found.
    Map<String, Object> markers = new HashMap<>();
    variables.forEach(v -> markers.put(v, MARKER + v));
    for (Path file : confFiles()) {
      Config config = ConfigFactory.parseFile(file.toFile())
          .withFallback(ConfigFactory.parseMap(markers))
          .resolve(ConfigResolveOptions.noSystem());
      for (String variable : variables) {
        config = config.withoutPath(variable);
      }
      for (String path : leaves(config.root(), "")) {
        confKeys.add(path);
        ConfigValue value = config.getValue(path);
        if (value.valueType() == ConfigValueType.STRING && value.unwrapped().toString().startsWith(MARKER)) {
          environment.computeIfAbsent(value.unwrapped().toString().substring(MARKER.length()), v -> new TreeSet<>()).add(path);
        }
      }
    }
  }

  @Test
  void everySettingIsDocumented() {
    assertTrue(referenceDefaults.containsKey("drover.controller.http.port"), referenceDefaults.keySet().toString());
    assertTrue(confKeys.contains("drover.fleet.wave-size"), confKeys.toString());
    List<String> missing = new ArrayList<>();
    Stream.concat(referenceDefaults.keySet().stream(), confKeys.stream()).distinct().sorted()
        .filter(key -> !documented.containsKey(key))
        .forEach(missing::add);
    assertEquals(List.of(), missing, "settings missing from docs/configuration.md (add a row for each)");
  }

  @Test
  void everyDocumentedSettingExists() {
    List<String> stale = documented.keySet().stream()
        .filter(key -> !referenceDefaults.containsKey(key) && !confKeys.contains(key))
        .sorted()
        .toList();
    assertEquals(List.of(), stale, "docs/configuration.md documents settings no reference.conf or conf/*.conf has");
  }

  @Test
  void documentedDefaultsAreTheReferenceDefaults() {
    List<String> wrong = new ArrayList<>();
    referenceDefaults.forEach((key, expected) -> {
      Row row = documented.get(key);
      if (row == null || (MAPS.contains(key) && !((ConfigObject) expected).isEmpty())) {
        return;
      }
      Object actual = documentedDefault(row);
      if (!expected.unwrapped().equals(actual)) {
        wrong.add(key + ": documented " + row.defaultValue() + ", reference.conf has " + expected.render());
      }
    });
    assertEquals(List.of(), wrong, "defaults in docs/configuration.md that differ from reference.conf");
  }

  @Test
  void everyEnvironmentVariableIsDocumentedOnTheSettingItOverrides() {
    assertTrue(environment.containsKey("DROVER_HTTP_PORT"), environment.toString());
    Map<String, Set<String>> documentedVariables = new TreeMap<>();
    documented.values().forEach(row -> row.variables().forEach(
        v -> documentedVariables.computeIfAbsent(v, x -> new TreeSet<>()).add(row.key())));
    assertEquals(environment, documentedVariables,
        "environment variables (and the settings they override) in conf/*.conf and docs/configuration.md differ");
  }

  private static Object documentedDefault(Row row) {
    String text = row.defaultValue().strip();
    assertTrue(text.length() > 2 && text.startsWith("`") && text.endsWith("`"),
        row.key() + ": the default column must hold the value in backticks, as in reference.conf");
    String hocon = text.substring(1, text.length() - 1);
    try {
      return ConfigFactory.parseString("value = " + hocon).resolveWith(ConfigFactory.systemProperties())
          .getValue("value").unwrapped();
    } catch (ConfigException e) {
      throw new AssertionError(row.key() + ": the documented default " + text + " is not a HOCON value: " + e.getMessage(), e);
    }
  }

  private static Map<String, Row> documentedRows(Path file) throws IOException {
    Map<String, Row> rows = new TreeMap<>();
    for (String line : Files.readAllLines(file)) {
      Matcher m = ROW.matcher(line);
      if (m.matches()) {
        Set<String> variables = new TreeSet<>();
        Matcher v = ENV_NAME.matcher(m.group(3));
        while (v.find()) {
          variables.add(v.group(1));
        }
        Row previous = rows.put(m.group(1), new Row(m.group(1), m.group(2), variables));
        assertEquals(null, previous, m.group(1) + " is documented twice in docs/configuration.md");
      }
    }
    return rows;
  }

  private static List<Path> referenceConfs() throws IOException {
    try (Stream<Path> modules = Files.list(root.resolve("modules"))) {
      List<Path> files = modules.map(m -> m.resolve("src/main/resources/reference.conf")).filter(Files::isRegularFile)
          .sorted().toList();
      assertTrue(files.size() >= 5, "expected every module's reference.conf, found " + files);
      return files;
    }
  }

  private static List<Path> confFiles() throws IOException {
    try (Stream<Path> files = Files.list(root.resolve("conf"))) {
      return files.filter(f -> f.getFileName().toString().endsWith(".conf")).sorted().toList();
    }
  }

  /** Every setting's path: leaves, empty objects, and the {@link #MAPS} as a whole. */
  private static List<String> leaves(ConfigObject object, String prefix) {
    List<String> paths = new ArrayList<>();
    object.forEach((key, value) -> {
      String path = prefix.isEmpty() ? ConfigUtil.joinPath(key) : prefix + "." + ConfigUtil.joinPath(key);
      if (value instanceof ConfigObject child && !child.isEmpty() && !MAPS.contains(path)) {
        paths.addAll(leaves(child, path));
      } else {
        paths.add(path);
      }
    });
    return paths;
  }
}
