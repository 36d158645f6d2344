package io.drover.controller.readside;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.drover.core.cost.AttemptCost;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * What each ended attempt used and cost, written by {@link JobProjection}:
 * {@code attempt_costs ((day, part), ended_at, job_id, attempt)}, one partition per day the attempts
 * ended on and part of the cluster's jobs ({@value #PARTS} parts, by job id, so that a busy day is
 * not one huge partition). An attempt's row has one key, so writing it again (the projection is
 * at least once) changes nothing. Rows expire after the read side's retention period.
 */
public final class AttemptCostStore {

  private static final int PARTS = 8;

  private static final long DAY = Duration.ofDays(1).toMillis();
  private static final int PAGE = 5000;

  private final CqlSession session;
  private final Duration retention;
  private final PreparedStatement insert;
  private final PreparedStatement select;

  AttemptCostStore(CqlSession session, String keyspace, Duration retention) {
    this.session = session;
    this.retention = retention;
    this.insert = session.prepare("INSERT INTO " + keyspace + ".attempt_costs (day, part, ended_at, job_id, attempt, "
        + "started_at, queue, share_identifier, tags, compute_environment, instance_type, lifecycle, vcpus, vcpu_seconds, "
        + "cost, on_demand_cost) VALUES (:day, :part, :ended_at, :job_id, :attempt, :started_at, :queue, "
        + ":share_identifier, :tags, :compute_environment, :instance_type, :lifecycle, :vcpus, :vcpu_seconds, :cost, "
        + ":on_demand_cost) USING TTL :ttl");
    this.select = session.prepare("SELECT * FROM " + keyspace + ".attempt_costs "
        + "WHERE day = ? AND part = ? AND ended_at >= ? AND ended_at < ?");
  }

  static String createTableStatement(String keyspace) {
    return "CREATE TABLE IF NOT EXISTS " + keyspace + ".attempt_costs ("
        + "day bigint, part int, ended_at bigint, job_id text, attempt int, started_at bigint, queue text, "
        + "share_identifier text, tags frozen<map<text, text>>, compute_environment text, instance_type text, "
        + "lifecycle text, vcpus double, vcpu_seconds double, cost double, on_demand_cost double, "
        + "PRIMARY KEY ((day, part), ended_at, job_id, attempt))";
  }

  /** Writes each attempt's row; values that are unknown are left unset (no tombstones). */
  CompletionStage<Void> put(List<AttemptCost> costs) {
    CompletableFuture<?>[] writes = costs.stream()
        .map(cost -> session.executeAsync(bind(cost)).toCompletableFuture())
        .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(writes);
  }

  private BoundStatement bind(AttemptCost cost) {
    BoundStatementBuilder row = insert.boundStatementBuilder()
        .setLong("day", day(cost.endedAt()))
        .setInt("part", part(cost.jobId()))
        .setLong("ended_at", cost.endedAt())
        .setString("job_id", cost.jobId())
        .setInt("attempt", cost.attempt())
        .setLong("started_at", cost.startedAt())
        .setString("queue", cost.queue())
        .setDouble("vcpus", cost.vcpus())
        .setDouble("vcpu_seconds", cost.vcpuSeconds())
        .setInt("ttl", (int) retention.toSeconds());
    row = text(row, "share_identifier", cost.shareIdentifier());
    row = text(row, "compute_environment", cost.computeEnvironment());
    row = text(row, "instance_type", cost.instanceType());
    row = text(row, "lifecycle", cost.lifecycle());
    row = cost.tags().isEmpty() ? row : row.setMap("tags", cost.tags(), String.class, String.class);
    row = cost.cost() == null ? row : row.setDouble("cost", cost.cost());
    row = cost.onDemandCost() == null ? row : row.setDouble("on_demand_cost", cost.onDemandCost());
    return row.build();
  }

  private static BoundStatementBuilder text(BoundStatementBuilder row, String column, String value) {
    return value == null ? row : row.setString(column, value);
  }

  /**
   * Hands {@code each} the attempts that ended from {@code from} (inclusive) to {@code to}
   * (exclusive), one partition after the other. Only days that can hold rows at {@code now} are
   * read: none older than the retention period, none after tomorrow (hosts' clocks may run ahead).
   */
  public CompletionStage<Void> scan(long from, long to, long now, Consumer<AttemptCost> each) {
    long firstDay = Math.max(day(from), day(now - retention.toMillis()));
    long lastDay = Math.min(day(to - 1), day(now) + 1);
    CompletionStage<Void> scanned = CompletableFuture.completedFuture(null);
    for (long day = firstDay; day <= lastDay; day++) {
      for (int part = 0; part < PARTS; part++) {
        long partitionDay = day;
        int partition = part;
        scanned = scanned.thenCompose(ignored -> session
            .executeAsync(select.bind(partitionDay, partition, from, to).setPageSize(PAGE))
            .thenCompose(rs -> drain(rs, each)));
      }
    }
    return scanned;
  }

  private static CompletionStage<Void> drain(AsyncResultSet rs, Consumer<AttemptCost> each) {
    rs.currentPage().forEach(row -> each.accept(cost(row)));
    return rs.hasMorePages() ? rs.fetchNextPage().thenCompose(next -> drain(next, each)) : CompletableFuture.completedFuture(null);
  }

  private static AttemptCost cost(Row row) {
    Map<String, String> tags = row.getMap("tags", String.class, String.class);
    return new AttemptCost(row.getString("job_id"), row.getInt("attempt"), row.getLong("started_at"),
        row.getLong("ended_at"), row.getString("queue"), row.getString("share_identifier"), tags,
        row.getString("compute_environment"), row.getString("instance_type"), row.getString("lifecycle"),
        row.getDouble("vcpus"), row.getDouble("vcpu_seconds"), nullableDouble(row, "cost"),
        nullableDouble(row, "on_demand_cost"));
  }

  private static Double nullableDouble(Row row, String column) {
    return row.isNull(column) ? null : row.getDouble(column);
  }

  private static long day(long at) {
    return Math.floorDiv(at, DAY);
  }

  private static int part(String jobId) {
    return Math.floorMod(jobId.hashCode(), PARTS);
  }
}
