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
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The read-side tables fed by {@link JobProjection}: jobs by queue and status (ListJobs, and the
 * RUNNABLE set a queue reloads after a restart).
 */
public final class JobReadStore {

  /** A page of ListJobs results; {@code nextToken} is null on the last page. */
  public record Page(List<JobSummary> summaries, String nextToken) {}

  /** One row of {@code jobs_by_queue_status}: where a job is listed, and what is shown. */
  public record JobRow(String queue, JobStatus status, long createdAt, String jobId, JobSummary summary, JobTicket ticket) {}

  private final CqlSession session;
  private final ObjectMapper json;
  private final PreparedStatement insertRow;
  private final PreparedStatement deleteRow;
  private final PreparedStatement selectByQueueStatus;
  private final PreparedStatement selectTickets;
  private final PreparedStatement selectJobIds;

  public JobReadStore(CqlSession session, String keyspace, ObjectMapper json) {
    this.session = session;
    this.json = json;
    String table = keyspace + ".jobs_by_queue_status";
    this.insertRow = session.prepare("INSERT INTO " + table
        + " (queue, status, created_at, job_id, summary, ticket) VALUES (?, ?, ?, ?, ?, ?)");
    this.deleteRow = session.prepare("DELETE FROM " + table
        + " WHERE queue = ? AND status = ? AND created_at = ? AND job_id = ?");
    this.selectByQueueStatus = session.prepare("SELECT summary FROM " + table + " WHERE queue = ? AND status = ?");
    this.selectTickets = session.prepare("SELECT ticket FROM " + table + " WHERE queue = ? AND status = 'RUNNABLE'");
    this.selectJobIds = session.prepare("SELECT job_id FROM " + table + " WHERE queue = ? AND status = ?");
  }

  static void createKeyspace(CqlSession session, String keyspace, int replicationFactor) {
    session.execute("CREATE KEYSPACE IF NOT EXISTS " + keyspace
        + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': " + replicationFactor + "}");
  }

  /** The read side's tables (this store's and {@link LogStore}'s), created when missing. */
  static List<String> createTableStatements(String keyspace) {
    return List.of(
        "CREATE TABLE IF NOT EXISTS " + keyspace + ".jobs_by_queue_status ("
            + "queue text, status text, created_at bigint, job_id text, summary text, ticket text, "
            + "PRIMARY KEY ((queue, status), created_at, job_id)) "
            + "WITH CLUSTERING ORDER BY (created_at DESC, job_id ASC)",
        LogStore.createTableStatement(keyspace));
  }

  CompletionStage<Void> put(JobRow row) {
    BoundStatement insert = insertRow.bind(
        row.queue(), row.status().name(), row.createdAt(), row.jobId(), write(row.summary()),
        row.ticket() == null ? null : write(row.ticket()));
    return session.executeAsync(insert).thenApply(rs -> null);
  }

  CompletionStage<Void> delete(String queue, JobStatus status, long createdAt, String jobId) {
    return session.executeAsync(deleteRow.bind(queue, status.name(), createdAt, jobId)).thenApply(rs -> null);
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

  /** Ids of a queue's jobs in {@code status}, as the projection last saw them. */
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

  /** Jobs of one queue and status, newest first, one page at a time. */
  public CompletionStage<Page> list(String queue, JobStatus status, int pageSize, String nextToken) {
    BoundStatement statement = selectByQueueStatus.bind(queue, status.name()).setPageSize(pageSize);
    if (nextToken != null) {
      statement = statement.setPagingState(decodeToken(nextToken));
    }
    return session.executeAsync(statement).thenApply(rs -> {
      List<JobSummary> page = new ArrayList<>(rs.remaining());
      for (Row row : rs.currentPage()) {
        page.add(read(row.getString("summary"), JobSummary.class));
      }
      ByteBuffer pagingState = rs.getExecutionInfo().getPagingState();
      String token = rs.hasMorePages() && pagingState != null
          ? Base64.getUrlEncoder().withoutPadding().encodeToString(toBytes(pagingState))
          : null;
      return new Page(page, token);
    });
  }

  private static ByteBuffer decodeToken(String token) {
    try {
      return ByteBuffer.wrap(Base64.getUrlDecoder().decode(token));
    } catch (IllegalArgumentException e) {
      throw new ClientError("nextToken '" + token + "' is not a token ListJobs returned.");
    }
  }

  private static byte[] toBytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
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
