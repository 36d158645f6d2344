package io.drover.loadtest.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a run asked of Cassandra, from the server's own counters: the reads and writes each table
 * served ({@code system_views.local_read_latency} and {@code local_write_latency}; a batch counts
 * once per table it touches). Taken before and after the measured part of a run, their difference
 * divided by the jobs it moved is each job's share of Cassandra's work, table by table.
 */
final class CassandraRequests {

  /**
   * Requests per table ({@code keyspace.table}), of Drover's keyspaces only; or, when the counters
   * could not be read, why ({@code failure}): a run is not lost over this extra measurement.
   */
  record Counts(Map<String, Long> reads, Map<String, Long> writes, String failure) {

    Counts since(Counts earlier) {
      if (failure != null || earlier.failure != null) {
        return new Counts(Map.of(), Map.of(), failure != null ? failure : earlier.failure);
      }
      return new Counts(minus(reads, earlier.reads), minus(writes, earlier.writes), null);
    }

    long totalReads() {
      return reads.values().stream().mapToLong(Long::longValue).sum();
    }

    long totalWrites() {
      return writes.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Adds these requests per {@code unit} to {@code report}: the totals as a measurement, each table's in a note. */
    void addTo(Report report, String unit, double units) {
      if (failure != null) {
        report.measured("Cassandra requests per " + unit, "not counted: " + failure);
        return;
      }
      report.measured("Cassandra requests per " + unit, String.format(Locale.ROOT, "%.1f writes, %.1f reads",
              totalWrites() / units, totalReads() / units))
          .note("Cassandra requests per " + unit + ", by table (w: writes, r: reads): " + perUnit(units));
    }

    /** Each table's requests per unit, most first: {@code messages 3.5 w + 4.5 r, ...}. */
    private String perUnit(double units) {
      Map<String, long[]> byTable = new TreeMap<>();
      reads.forEach((table, n) -> byTable.computeIfAbsent(table, t -> new long[2])[1] += n);
      writes.forEach((table, n) -> byTable.computeIfAbsent(table, t -> new long[2])[0] += n);
      return byTable.entrySet().stream()
          .filter(e -> e.getValue()[0] + e.getValue()[1] > 0)
          .sorted((a, b) -> Long.compare(b.getValue()[0] + b.getValue()[1], a.getValue()[0] + a.getValue()[1]))
          .map(e -> String.format(Locale.ROOT, "%s %.2f w + %.2f r", e.getKey(), e.getValue()[0] / units,
              e.getValue()[1] / units))
          .collect(Collectors.joining(", "));
    }

    private static Map<String, Long> minus(Map<String, Long> now, Map<String, Long> earlier) {
      Map<String, Long> difference = new TreeMap<>();
      now.forEach((table, n) -> difference.put(table, n - earlier.getOrDefault(table, 0L)));
      return difference;
    }
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private CassandraRequests() {}

  /**
   * The counters now, of the node answering CQL on {@code port} on loopback. Read right after a
   * run's load, so the node may still be busy: its answers get {@link #TIMEOUT}.
   */
  static Counts read(int port) {
    try (CqlSession session = CqlSession.builder()
        .addContactPoint(new InetSocketAddress("127.0.0.1", port))
        .withLocalDatacenter("datacenter1")
        .withConfigLoader(DriverConfigLoader.programmaticBuilder()
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, TIMEOUT)
            .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, TIMEOUT)
            .build())
        .build()) {
      return new Counts(table(session, "local_read_latency"), table(session, "local_write_latency"), null);
    } catch (DriverException e) {
      return new Counts(Map.of(), Map.of(), e.getMessage());
    }
  }

  private static Map<String, Long> table(CqlSession session, String view) {
    Map<String, Long> counts = new TreeMap<>();
    for (Row row : session.execute("SELECT keyspace_name, table_name, count FROM system_views." + view)) {
      String keyspace = row.getString("keyspace_name");
      if (!keyspace.startsWith("system")) {
        counts.put(keyspace + "." + row.getString("table_name"), row.getLong("count"));
      }
    }
    return counts;
  }
}
