package io.drover.controller.readside;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.core.ClientError;
import io.drover.core.job.JobSummary;
import io.drover.core.model.JobStatus;
import io.drover.core.scheduling.JobTicket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The read-side tables fed by {@link JobProjection}, newest job first in every partition:
 *
 * <ul>
 *   <li>{@code jobs_by_status ((queue, status, bucket), created_at, job_id)}: ListJobs by queue
 *       and status, and the RUNNABLE set a queue reloads after a restart. Jobs that are not finished
 *       live in bucket 0 (their number is bounded by what the cluster holds); finished jobs in one
 *       bucket per day of creation, so no partition grows without bound.
 *   <li>{@code jobs_by_queue ((queue, bucket), created_at, job_id)}: every job of a queue whatever
 *       its status, bucketed by day of creation: ListJobs with filters.
 *   <li>{@code jobs_by_array ((array_job_id), array_index)}: the children of an array job: ListJobs
 *       by {@code arrayJobId}. Children are listed there only, as AWS lists them; until they finish
 *       they are in {@code jobs_by_status} too (marked {@code child}), because their queue reloads
 *       them and the scheduler reconciles them from there.
 * </ul>
 *
 * Finished jobs' rows expire after the retention period ({@code drover.controller.read-side.retention});
 * the jobs themselves stay in the journal and DescribeJobs still finds them. The store also holds
 * what each ended attempt used and cost ({@link #costs()}), for as long, and how many jobs each
 * queue holds in each status ({@link #counts()}).
 *
 * <p>Every status change deletes a row of bucket 0, so a busy queue's bucket-0 partitions are mostly
 * tombstones, which every read of them skips one by one (and which fail a read past 100,000).
 * Cassandra keeps a tombstone for the table's {@code gc_grace_seconds}, 10 days by default: a queue
 * that ran a few hundred thousand jobs in that time would slow ListJobs, the queues' reload and the
 * reconciler down, then fail them. {@code jobs_by_status} therefore keeps tombstones for an hour
 * ({@link #STATUS_TABLE_OPTIONS}) and compacts an SSTable on its own once it holds many; a Cassandra
 * node down for longer than that needs a repair as soon as it is back, or jobs it missed the changes
 * of can show in their old status's list.
 */
public final class JobReadStore {

  /** How long {@code jobs_by_status} keeps tombstones, and how it compacts them away. */
  static final String STATUS_TABLE_OPTIONS = "gc_grace_seconds = 3600 AND compaction = {"
      + "'class': 'SizeTieredCompactionStrategy', 'tombstone_compaction_interval': '3600', "
      + "'unchecked_tombstone_compaction': 'true'}";
  /** Cassandra's own default, which a {@code jobs_by_status} made by an older Drover still has. */
  private static final int CASSANDRA_DEFAULT_GC_GRACE_SECONDS = 864_000;

  /** A page of ListJobs results; {@code nextToken} is null on the last page. */
  public record Page(List<JobSummary> summaries, String nextToken) {}

  /**
   * Where a job is listed and what is shown; {@code ticket} only while RUNNABLE; for a child of an
   * array job, {@code arrayJobId} and {@code arrayIndex}.
   */
  public record JobRow(String queue, JobStatus status, long createdAt, String jobId, String jobName, JobSummary summary,
      JobTicket ticket, String arrayJobId, Integer arrayIndex) {

    boolean child() {
      return arrayJobId != null;
    }
  }

  /** AWS's ListJobs filters: JOB_NAME (case-insensitive, trailing *), BEFORE_CREATED_AT, AFTER_CREATED_AT. */
  public record Filter(String name, String value) {}

  private static final long DAY = Duration.ofDays(1).toMillis();

  private final CqlSession session;
  private final ObjectMapper json;
  private final Duration retention;
  private final PreparedStatement insertStatusRow;
  private final PreparedStatement deleteStatusRow;
  private final PreparedStatement upsertQueueRow;
  private final PreparedStatement selectStatus;
  private final PreparedStatement selectStatusAfter;
  private final PreparedStatement selectQueue;
  private final PreparedStatement selectQueueAfter;
  private final PreparedStatement selectTickets;
  private final PreparedStatement selectJobIds;
  private final PreparedStatement upsertArrayRow;
  private final PreparedStatement selectArray;
  private final AttemptCostStore costs;
  private final JobCountStore counts;

  public JobReadStore(CqlSession session, String keyspace, ObjectMapper json, Duration retention) {
    this.session = session;
    this.json = json;
    this.retention = retention;
    String byStatus = keyspace + ".jobs_by_status";
    String byQueue = keyspace + ".jobs_by_queue";
    this.insertStatusRow = session.prepare("INSERT INTO " + byStatus
        + " (queue, status, bucket, created_at, job_id, summary, ticket, child) VALUES (?, ?, ?, ?, ?, ?, ?, ?) USING TTL ?");
    this.deleteStatusRow = session.prepare("DELETE FROM " + byStatus
        + " WHERE queue = ? AND status = ? AND bucket = ? AND created_at = ? AND job_id = ?");
    this.upsertQueueRow = session.prepare("INSERT INTO " + byQueue
        + " (queue, bucket, created_at, job_id, job_name, status, summary) VALUES (?, ?, ?, ?, ?, ?, ?) USING TTL ?");
    String statusColumns = "SELECT created_at, job_id, summary, child FROM " + byStatus
        + " WHERE queue = ? AND status = ? AND bucket = ?";
    this.selectStatus = session.prepare(statusColumns + " LIMIT ?");
    this.selectStatusAfter = session.prepare(statusColumns + " AND (created_at, job_id) < (?, ?) LIMIT ?");
    String queueColumns = "SELECT created_at, job_id, job_name, summary FROM " + byQueue + " WHERE queue = ? AND bucket = ?";
    this.selectQueue = session.prepare(queueColumns + " LIMIT ?");
    this.selectQueueAfter = session.prepare(queueColumns + " AND (created_at, job_id) < (?, ?) LIMIT ?");
    this.selectTickets = session.prepare("SELECT ticket FROM " + byStatus + " WHERE queue = ? AND status = 'RUNNABLE' AND bucket = 0");
    this.selectJobIds = session.prepare("SELECT job_id FROM " + byStatus + " WHERE queue = ? AND status = ? AND bucket = 0");
    String byArray = keyspace + ".jobs_by_array";
    this.upsertArrayRow = session.prepare("INSERT INTO " + byArray
        + " (array_job_id, array_index, status, job_name, summary) VALUES (?, ?, ?, ?, ?) USING TTL ?");
    this.selectArray = session.prepare("SELECT array_index, status, job_name, summary FROM " + byArray
        + " WHERE array_job_id = ? AND array_index > ? LIMIT ?");
    this.costs = new AttemptCostStore(session, keyspace, retention);
    this.counts = new JobCountStore(session, keyspace, retention);
  }

  public static String createKeyspaceStatement(String keyspace, int replicationFactor) {
    return "CREATE KEYSPACE IF NOT EXISTS " + keyspace
        + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': " + replicationFactor + "}";
  }

  /**
   * The read side's tables (this store's, {@link AttemptCostStore}'s, {@link JobCountStore}'s and {@link LogStore}'s),
   * created when missing.
   */
  static List<String> createTableStatements(String keyspace) {
    return List.of(
        "CREATE TABLE IF NOT EXISTS " + keyspace + ".jobs_by_status ("
            + "queue text, status text, bucket bigint, created_at bigint, job_id text, summary text, ticket text, child boolean, "
            + "PRIMARY KEY ((queue, status, bucket), created_at, job_id)) "
            + "WITH CLUSTERING ORDER BY (created_at DESC, job_id DESC) AND " + STATUS_TABLE_OPTIONS,
        "CREATE TABLE IF NOT EXISTS " + keyspace + ".jobs_by_queue ("
            + "queue text, bucket bigint, created_at bigint, job_id text, job_name text, status text, summary text, "
            + "PRIMARY KEY ((queue, bucket), created_at, job_id)) "
            + "WITH CLUSTERING ORDER BY (created_at DESC, job_id DESC)",
        "CREATE TABLE IF NOT EXISTS " + keyspace + ".jobs_by_array ("
            + "array_job_id text, array_index int, status text, job_name text, summary text, "
            + "PRIMARY KEY ((array_job_id), array_index))",
        AttemptCostStore.createTableStatement(keyspace),
        JobCountStore.createTableStatement(keyspace),
        LogStore.createTableStatement(keyspace));
  }

  /**
   * The statement that gives a {@code jobs_by_status} made by an older Drover (still at Cassandra's
   * default {@code gc_grace_seconds}) the options this one creates it with, or none when its
   * {@code gc_grace_seconds} is already another: Drover's, or an operator's own choice, which stays.
   */
  static Optional<String> upgradeStatusTableStatement(String keyspace, int gcGraceSeconds) {
    return gcGraceSeconds == CASSANDRA_DEFAULT_GC_GRACE_SECONDS
        ? Optional.of("ALTER TABLE " + keyspace + ".jobs_by_status WITH " + STATUS_TABLE_OPTIONS)
        : Optional.empty();
  }

  /** What ended attempts used and cost. */
  public AttemptCostStore costs() {
    return costs;
  }

  /** How many jobs are in each queue and status. */
  public JobCountStore counts() {
    return counts;
  }

  /** The day a job was created, which buckets its rows. */
  static long day(long createdAt) {
    return Math.floorDiv(createdAt, DAY);
  }

  private static long statusBucket(JobStatus status, long createdAt) {
    return status.isTerminal() ? day(createdAt) : 0;
  }

  /** Seconds a row lives: finished jobs for the retention period, others until they change. */
  private int ttl(JobStatus status) {
    return status.isTerminal() ? (int) retention.toSeconds() : 0;
  }

  /** Moves a job's rows from where {@code before} listed it (null for a new job) to {@code after}. */
  CompletionStage<Void> put(JobRow before, JobRow after) {
    List<CompletableFuture<AsyncResultSet>> writes = new ArrayList<>(3);
    if (before != null && before.status() != after.status()) {
      writes.add(session.executeAsync(deleteStatusRow.bind(before.queue(), before.status().name(),
          statusBucket(before.status(), before.createdAt()), before.createdAt(), before.jobId())).toCompletableFuture());
    }
    String summary = write(after.summary());
    // A finished child is listed by its array job only: ListJobs by queue and status skips it, and
    // no queue reloads it, so a row would only be written, expire and be stepped over by every read.
    if (!(after.child() && after.status().isTerminal())) {
      writes.add(session.executeAsync(insertStatusRow.bind(after.queue(), after.status().name(),
          statusBucket(after.status(), after.createdAt()), after.createdAt(), after.jobId(), summary,
          after.ticket() == null ? null : write(after.ticket()), after.child(), ttl(after.status()))).toCompletableFuture());
    }
    if (after.child()) {
      writes.add(session.executeAsync(upsertArrayRow.bind(after.arrayJobId(), after.arrayIndex(), after.status().name(),
          after.jobName(), summary, ttl(after.status()))).toCompletableFuture());
    } else {
      writes.add(session.executeAsync(upsertQueueRow.bind(after.queue(), day(after.createdAt()), after.createdAt(),
          after.jobId(), after.jobName(), after.status().name(), summary, ttl(after.status()))).toCompletableFuture());
    }
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
  }

  /** The RUNNABLE jobs of a queue, as the projection last saw them. */
  public CompletionStage<List<JobTicket>> runnableTickets(String queue) {
    List<JobTicket> tickets = new ArrayList<>();
    return session.executeAsync(selectTickets.bind(queue).setPageSize(5000))
        .thenCompose(rs -> drain(rs, row -> {
          String ticket = row.getString("ticket");
          if (ticket != null) {
            tickets.add(read(ticket, JobTicket.class));
          }
        }))
        .thenApply(done -> tickets);
  }

  /** Ids of a queue's jobs in a status that is not final, as the projection last saw them. */
  public CompletionStage<List<String>> jobIds(String queue, JobStatus status) {
    List<String> ids = new ArrayList<>();
    return session.executeAsync(selectJobIds.bind(queue, status.name()).setPageSize(5000))
        .thenCompose(rs -> drain(rs, row -> ids.add(row.getString("job_id"))))
        .thenApply(done -> ids);
  }

  private CompletionStage<Void> drain(AsyncResultSet rs, Consumer<Row> each) {
    rs.currentPage().forEach(each);
    return rs.hasMorePages() ? rs.fetchNextPage().thenCompose(next -> drain(next, each)) : CompletableFuture.completedFuture(null);
  }

  /** Jobs of one queue and status, newest first. */
  public CompletionStage<Page> list(String queue, JobStatus status, int max, String nextToken, long now) {
    Cursor cursor = Cursor.decode(nextToken);
    Predicate<Row> notAChild = row -> !row.getBoolean("child");
    Scan scan = status.isTerminal()
        ? new Scan(day(now), day(now - retention.toMillis()), notAChild, Long.MIN_VALUE)
        : new Scan(0, 0, notAChild, Long.MIN_VALUE);
    return scan(scan, (bucket, after, limit) -> after == null
            ? selectStatus.bind(queue, status.name(), bucket, limit)
            : selectStatusAfter.bind(queue, status.name(), bucket, after.createdAt(), after.jobId(), limit),
        cursor == null ? new Cursor(scan.firstBucket(), null, null) : cursor, max, new ArrayList<>());
  }

  /**
   * The children of an array job, in index order: those in {@code status}, or with a filter,
   * those in any status that pass it.
   */
  public CompletionStage<Page> listChildren(String arrayJobId, JobStatus status, Filter filter, int max, String nextToken) {
    Predicate<Row> test = filter == null
        ? row -> row.getString("status").equals(status.name())
        : childFilter(filter);
    int after = nextToken == null ? -1 : childCursor(nextToken);
    return children(arrayJobId, test, after, max, new ArrayList<>());
  }

  private CompletionStage<Page> children(String arrayJobId, Predicate<Row> test, int after, int max, List<JobSummary> found) {
    int limit = Math.max(max, 500);
    return session.executeAsync(selectArray.bind(arrayJobId, after, limit)).thenCompose(rs -> {
      int fetched = rs.remaining();
      int last = after;
      for (Row row : rs.currentPage()) {
        last = row.getInt("array_index");
        if (test.test(row)) {
          found.add(read(row.getString("summary"), JobSummary.class));
          if (found.size() == max) {
            return CompletableFuture.completedFuture(new Page(found, childToken(last)));
          }
        }
      }
      return fetched < limit
          ? CompletableFuture.completedFuture(new Page(found, null))
          : children(arrayJobId, test, last, max, found);
    });
  }

  /** Children share their array job's name and creation time: only JOB_NAME can leave some out. */
  private static Predicate<Row> childFilter(Filter filter) {
    return switch (filter.name()) {
      case "JOB_NAME" -> nameMatches(filter.value());
      case "BEFORE_CREATED_AT", "AFTER_CREATED_AT" -> row -> true;
      default -> throw new ClientError("filters name '" + filter.name()
          + "' must be JOB_NAME, BEFORE_CREATED_AT or AFTER_CREATED_AT.");
    };
  }

  private static Predicate<Row> nameMatches(String pattern) {
    String wanted = pattern.toLowerCase(Locale.ROOT);
    boolean prefix = wanted.endsWith("*");
    String stem = prefix ? wanted.substring(0, wanted.length() - 1) : wanted;
    return row -> {
      String name = row.getString("job_name").toLowerCase(Locale.ROOT);
      return prefix ? name.startsWith(stem) : name.equals(stem);
    };
  }

  private static String childToken(int index) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(("child:" + index).getBytes(StandardCharsets.UTF_8));
  }

  private static int childCursor(String token) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      ClientError.require(text.startsWith("child:"), "nextToken '" + token + "' is not a token ListJobs returned.");
      return Integer.parseInt(text.substring("child:".length()));
    } catch (IllegalArgumentException e) {
      throw new ClientError("nextToken '" + token + "' is not a token ListJobs returned.");
    }
  }

  /** Jobs of one queue in every status, newest first, that pass AWS's ListJobs filter. */
  public CompletionStage<Page> list(String queue, Filter filter, int max, String nextToken, long now) {
    long newest = day(now);
    long oldest = day(now - retention.toMillis());
    Cursor start = new Cursor(newest, null, null);
    Predicate<Row> test = row -> true;
    long stopBelow = Long.MIN_VALUE;
    switch (filter.name()) {
      case "JOB_NAME" -> test = nameMatches(filter.value());
      case "BEFORE_CREATED_AT" -> {
        long before = millis(filter);
        start = new Cursor(Math.min(newest, day(before)), before, "");
      }
      case "AFTER_CREATED_AT" -> {
        long after = millis(filter);
        oldest = Math.max(oldest, day(after));
        stopBelow = after;
      }
      default -> throw new ClientError("filters name '" + filter.name()
          + "' must be JOB_NAME, BEFORE_CREATED_AT or AFTER_CREATED_AT.");
    }
    Cursor cursor = Cursor.decode(nextToken);
    Scan scan = new Scan(start.bucket(), oldest, test, stopBelow);
    return scan(scan, (bucket, after, limit) -> after == null
            ? selectQueue.bind(queue, bucket, limit)
            : selectQueueAfter.bind(queue, bucket, after.createdAt(), after.jobId(), limit),
        cursor == null ? start : cursor, max, new ArrayList<>());
  }

  private static long millis(Filter filter) {
    try {
      return Long.parseLong(filter.value());
    } catch (NumberFormatException e) {
      throw new ClientError("filters " + filter.name() + " value '" + filter.value()
          + "' must be a time in milliseconds since the epoch.");
    }
  }

  /** Buckets from {@code firstBucket} down to {@code lastBucket}; rows must pass {@code test}; creation times at or below {@code stopBelow} end the scan. */
  private record Scan(long firstBucket, long lastBucket, Predicate<Row> test, long stopBelow) {}

  @FunctionalInterface
  private interface Query {
    BoundStatement bind(long bucket, Cursor after, int limit);
  }

  /** Where the next page starts: in {@code bucket}, after the row ({@code createdAt}, {@code jobId}), or at its top. */
  private record Cursor(long bucket, Long createdAt, String jobId) {

    String encode() {
      String text = bucket + ":" + (createdAt == null ? "" : createdAt + ":" + jobId);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String token) {
      if (token == null) {
        return null;
      }
      try {
        String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":", 3);
        return parts.length == 3
            ? new Cursor(Long.parseLong(parts[0]), Long.parseLong(parts[1]), parts[2])
            : new Cursor(Long.parseLong(parts[0]), null, null);
      } catch (IllegalArgumentException e) {
        throw new ClientError("nextToken '" + token + "' is not a token ListJobs returned.");
      }
    }
  }

  /** Reads buckets newest first until {@code max} rows pass the scan's test or the buckets run out. */
  private CompletionStage<Page> scan(Scan scan, Query query, Cursor cursor, int max, List<JobSummary> found) {
    if (cursor.bucket() < scan.lastBucket()) {
      return CompletableFuture.completedFuture(new Page(found, null));
    }
    int limit = Math.max(max, 100);
    BoundStatement statement = query.bind(cursor.bucket(), cursor.createdAt() == null ? null : cursor, limit);
    return session.executeAsync(statement.setPageSize(limit)).thenCompose(rs -> {
      int fetched = rs.remaining();
      int seen = 0;
      Cursor last = cursor;
      for (Row row : rs.currentPage()) {
        seen++;
        long createdAt = row.getLong("created_at");
        if (createdAt <= scan.stopBelow()) {
          return CompletableFuture.completedFuture(new Page(found, null));
        }
        last = new Cursor(cursor.bucket(), createdAt, row.getString("job_id"));
        if (scan.test().test(row)) {
          found.add(read(row.getString("summary"), JobSummary.class));
          if (found.size() == max) {
            boolean more = seen < fetched || fetched == limit || cursor.bucket() > scan.lastBucket();
            return CompletableFuture.completedFuture(new Page(found, more ? last.encode() : null));
          }
        }
      }
      Cursor next = fetched < limit ? new Cursor(cursor.bucket() - 1, null, null) : last;
      return scan(scan, query, next, max, found);
    });
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + value, e);
    }
  }

  private <T> T read(String text, Class<T> type) {
    try {
      return json.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable read-side row " + text, e);
    }
  }
}
