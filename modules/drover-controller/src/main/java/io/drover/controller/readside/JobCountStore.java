package io.drover.controller.readside;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.drover.core.model.JobStatus;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * {@code job_counts ((tag), queue, status, bucket)}: how many jobs each projection tag holds in each
 * queue and status ({@link JobCounts}), with the static column {@code applied} that makes a
 * repeated group count once. A group's changes and {@code applied} are written in one
 * single-partition batch, so they land together or not at all. The cluster-wide numbers are the sum
 * over the tags: a few rows per queue and status, read whole ({@link #totals}).
 *
 * <p>Finished jobs' counts are per day of creation and expire after the retention period and a
 * day, as their {@code jobs_by_status} rows do; {@link #totals} adds up the days ListJobs still
 * lists.
 */
public final class JobCountStore {

  private static final String TABLE = "job_counts";

  private final CqlSession session;
  private final Duration retention;
  private final PreparedStatement selectTag;
  private final PreparedStatement selectAll;
  private final PreparedStatement upsertCount;
  private final PreparedStatement updateApplied;

  JobCountStore(CqlSession session, String keyspace, Duration retention) {
    this.session = session;
    this.retention = retention;
    String table = keyspace + "." + TABLE;
    this.selectTag = session.prepare("SELECT queue, status, bucket, jobs, applied FROM " + table + " WHERE tag = ?");
    this.selectAll = session.prepare("SELECT queue, status, bucket, jobs FROM " + table);
    this.upsertCount = session.prepare("INSERT INTO " + table
        + " (tag, queue, status, bucket, jobs) VALUES (?, ?, ?, ?, ?) USING TTL ?");
    this.updateApplied = session.prepare("UPDATE " + table + " SET applied = ? WHERE tag = ?");
  }

  static String createTableStatement(String keyspace) {
    return "CREATE TABLE IF NOT EXISTS " + keyspace + "." + TABLE + " ("
        + "tag text, queue text, status text, bucket bigint, jobs bigint, applied frozen<map<text, bigint>> static, "
        + "PRIMARY KEY ((tag), queue, status, bucket))";
  }

  /** The counts of one projection tag as last saved (empty for a new tag). */
  CompletionStage<JobCounts> load(String tag) {
    Map<JobCounts.Cell, Long> counts = new HashMap<>();
    Map<String, Long> applied = new HashMap<>();
    return session.executeAsync(selectTag.bind(tag).setPageSize(5000))
        .thenCompose(rs -> drain(rs, row -> {
          Map<String, Long> saved = row.getMap("applied", String.class, Long.class);
          if (saved != null && applied.isEmpty()) {
            applied.putAll(saved);
          }
          if (!row.isNull("queue")) {
            counts.put(cell(row), row.getLong("jobs"));
          }
        }))
        .thenApply(done -> new JobCounts(counts, applied));
  }

  /** Saves what a group changed and the sequence numbers it applied, together. */
  CompletionStage<Void> save(String tag, Map<JobCounts.Cell, Long> changed, Map<String, Long> applied) {
    BatchStatementBuilder batch = BatchStatement.builder(DefaultBatchType.UNLOGGED);
    changed.forEach((cell, jobs) -> batch.addStatement(upsertCount.bind(tag, cell.queue(), cell.status().name(),
        cell.bucket(), jobs, cell.bucket() == 0 ? 0 : (int) retention.plusDays(1).toSeconds())));
    batch.addStatement(updateApplied.bind(applied, tag));
    return session.executeAsync(batch.build()).thenApply(rs -> null);
  }

  /** The first day whose finished jobs are still listed: the one {@code retention} before {@code now}. */
  long oldestDay(long now) {
    return JobReadStore.day(now - retention.toMillis());
  }

  /**
   * Jobs per queue and status over the whole cluster, finished ones within the retention period;
   * queues sorted by name. A total is never below zero: jobs that existed before the counts did (a
   * cluster upgraded from a release without them) are subtracted from their state when they leave
   * it without ever having been added.
   */
  public CompletionStage<Map<String, Map<JobStatus, Long>>> totals(long now) {
    long oldestDay = oldestDay(now);
    Map<String, Map<JobStatus, Long>> totals = new TreeMap<>();
    return session.executeAsync(selectAll.bind().setPageSize(5000))
        .thenCompose(rs -> drain(rs, row -> {
          if (row.isNull("queue")) {
            return;
          }
          JobCounts.Cell cell = cell(row);
          if (cell.bucket() == 0 || cell.bucket() >= oldestDay) {
            totals.computeIfAbsent(cell.queue(), q -> new EnumMap<>(JobStatus.class))
                .merge(cell.status(), row.getLong("jobs"), Long::sum);
          }
        }))
        .thenApply(done -> {
          totals.values().forEach(states -> states.replaceAll((status, jobs) -> Math.max(0, jobs)));
          return totals;
        });
  }

  private static JobCounts.Cell cell(Row row) {
    return new JobCounts.Cell(row.getString("queue"), JobStatus.valueOf(row.getString("status")), row.getLong("bucket"));
  }

  private static CompletionStage<Void> drain(AsyncResultSet rs, Consumer<Row> each) {
    rs.currentPage().forEach(each);
    return rs.hasMorePages() ? rs.fetchNextPage().thenCompose(next -> drain(next, each)) : CompletableFuture.completedFuture(null);
  }
}
