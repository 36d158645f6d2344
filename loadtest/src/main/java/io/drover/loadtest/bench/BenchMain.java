package io.drover.loadtest.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./drover bench <scenario> [--option value ...]}: runs one end-to-end benchmark on this
 * machine. Each run starts its own Cassandra and Drover processes, drives them through the AWS SDK,
 * stops them, prints one summary table and writes it, with the machine, versions, settings and PNG
 * plots, to {@code loadtest/results/<scenario>-<time>/}.
 */
public final class BenchMain {

  private static final Map<String, Scenario> SCENARIOS = new LinkedHashMap<>();

  static {
    for (Scenario scenario : List.of(new Array10k(), new Submit(), new Latency(), new Scale(), new Failover())) {
      SCENARIOS.put(scenario.name(), scenario);
    }
  }

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("java.awt.headless", "true");
    if (args.length == 0 || !SCENARIOS.containsKey(args[0])) {
      System.err.println(usage());
      System.exit(2);
    }
    Scenario scenario = SCENARIOS.get(args[0]);
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        System.err.println(usage());
        System.exit(2);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    Path repoRoot = Path.of(System.getProperty("drover.repo.root", ".")).toAbsolutePath().normalize();
    Path results = Path.of(options.getOrDefault("results", repoRoot.resolve("loadtest/results").toString()));
    Path runDir = results.resolve(scenario.name() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Path work = Files.createTempDirectory("drover-bench-");
    Files.createDirectories(runDir);
    System.out.println("Drover benchmark " + scenario.name() + ": " + scenario.description());
    System.out.println("Processes and logs: " + work + "; results: " + runDir);
    Report report;
    try (Stack stack = new Stack(repoRoot, work)) {
      report = scenario.run(new Run(stack, runDir, options));
    }
    String nodeOptions = System.getenv("DROVER_BENCH_NODE_OPTS");
    if (nodeOptions != null && !nodeOptions.isBlank()) {
      report.setting("Drover JVM options (DROVER_BENCH_NODE_OPTS)", nodeOptions.trim());
    }
    report.print(System.out);
    report.write(runDir, machine(repoRoot));
    System.out.println("Written to " + runDir.resolve("summary.md"));
  }

  private static String usage() {
    return "usage: ./drover bench <scenario> [--option value ...]\n"
        + "scenarios:\n" + String.join("\n", SCENARIOS.values().stream()
            .map(s -> String.format(Locale.ROOT, "  %-9s %s%n            options: %s", s.name(), s.description(), s.options()))
            .toList());
  }

  /** What a scenario is given: the stack to start, where its plots go, and its options. */
  record Run(Stack stack, Path resultsDir, Map<String, String> options) {

    int intOption(String name, int defaultValue) {
      return Integer.parseInt(options.getOrDefault(name, Integer.toString(defaultValue)));
    }

    String option(String name, String defaultValue) {
      return options.getOrDefault(name, defaultValue);
    }
  }

  /** A benchmark scenario. */
  interface Scenario {
    String name();

    String description();

    /** Its options and their defaults, for the usage text. */
    String options();

    Report run(Run run) throws Exception;
  }

  /** The machine, operating system and versions a run measured. */
  static Map<String, String> machine(Path repoRoot) throws IOException, InterruptedException {
    Map<String, String> machine = new LinkedHashMap<>();
    machine.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    machine.put("cpu", cpuModel());
    machine.put("memory", memory());
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    machine.put("drover", run(repoRoot, "git", "describe", "--always", "--dirty"));
    String nodeClasspath = Files.readString(repoRoot.resolve("modules/drover-node/target/drover-node.classpath"));
    machine.put("pekko", jarVersion(nodeClasspath, "pekko-actor_2.13"));
    machine.put("pekko-persistence-cassandra", jarVersion(nodeClasspath, "pekko-persistence-cassandra_2.13"));
    String cassandraClasspath = Files.readString(repoRoot.resolve("modules/drover-cassandra-server/target/cassandra.classpath"));
    machine.put("cassandra", jarVersion(cassandraClasspath, "cassandra-all") + " (one node, on this machine)");
    return machine;
  }

  private static String cpuModel() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
      if (line.startsWith("model name")) {
        return line.substring(line.indexOf(':') + 1).trim();
      }
    }
    return "unknown";
  }

  private static String memory() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
      if (line.startsWith("MemTotal:")) {
        return String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0);
      }
    }
    return "unknown";
  }

  private static String jarVersion(String classpath, String artifact) {
    Matcher m = Pattern.compile("/" + Pattern.quote(artifact) + "-([0-9][^/]*)\\.jar").matcher(classpath);
    return m.find() ? m.group(1) : "unknown";
  }

  private static String run(Path dir, String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes()).trim();
    return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0 ? out : "unknown";
  }
}
