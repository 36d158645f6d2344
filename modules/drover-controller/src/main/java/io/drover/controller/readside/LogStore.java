package io.drover.controller.readside;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.drover.protocol.LogProtocol.LogChunk;
import io.drover.protocol.LogProtocol.LogPosition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Attempt output in Cassandra: one partition per attempt, rows ordered by the agent's chunk
 * sequence number, so a chunk resent after a lost acknowledgement overwrites itself.
 */
public final class LogStore {

  /** A page of output; {@code nextSeq} is where the next page starts, null when there is no more yet. */
  public record LogPage(List<LogChunk> chunks, Long nextSeq) {}

  private static final int POSITION_PAGE = 1000;

  private final CqlSession session;
  private final PreparedStatement insert;
  private final PreparedStatement select;

  public LogStore(CqlSession session, String keyspace) {
    this.session = session;
    this.insert = session.prepare("INSERT INTO " + keyspace
        + ".job_logs (job_id, attempt, seq, stream, ts, text) VALUES (?, ?, ?, ?, ?, ?)");
    this.select = session.prepare("SELECT seq, stream, ts, text FROM " + keyspace
        + ".job_logs WHERE job_id = ? AND attempt = ? AND seq >= ? LIMIT ?");
  }

  static String createTableStatement(String keyspace) {
    return "CREATE TABLE IF NOT EXISTS " + keyspace + ".job_logs ("
        + "job_id text, attempt int, seq bigint, stream text, ts bigint, text text, "
        + "PRIMARY KEY ((job_id, attempt), seq))";
  }

  /** Stores chunks of one attempt in one single-partition batch. */
  public CompletionStage<Void> append(String jobId, int attempt, List<LogChunk> chunks) {
    BatchStatement batch = BatchStatement.newInstance(BatchType.UNLOGGED);
    for (LogChunk chunk : chunks) {
      batch = batch.add(insert.bind(jobId, attempt, chunk.seq(), chunk.stream(), chunk.timestamp(), chunk.text()));
    }
    return session.executeAsync(batch).thenApply(rs -> null);
  }

  public CompletionStage<LogPage> read(String jobId, int attempt, long fromSeq, int limit) {
    return session.executeAsync(select.bind(jobId, attempt, fromSeq, limit)).thenApply(rs -> {
      List<LogChunk> chunks = new ArrayList<>();
      for (Row row : rs.currentPage()) {
        chunks.add(new LogChunk(row.getLong("seq"), row.getString("stream"), row.getLong("ts"), row.getString("text")));
      }
      Long next = chunks.size() < limit ? null : chunks.get(chunks.size() - 1).seq() + 1;
      return new LogPage(chunks, next);
    });
  }

  /**
   * How much of an attempt's output is stored: the next sequence number and the characters per
   * stream. Reads the whole attempt (bounded by the agent's per-attempt output limit); asked only
   * when an agent re-attaches after a restart.
   */
  public CompletionStage<LogPosition> position(String jobId, int attempt) {
    return positionFrom(new LogPosition(jobId, attempt, 0, 0, 0));
  }

  private CompletionStage<LogPosition> positionFrom(LogPosition sofar) {
    return read(sofar.jobId(), sofar.attempt(), sofar.nextSeq(), POSITION_PAGE).thenCompose(page -> {
      LogPosition next = sofar;
      for (LogChunk chunk : page.chunks()) {
        boolean stderr = "stderr".equals(chunk.stream());
        next = new LogPosition(next.jobId(), next.attempt(), chunk.seq() + 1,
            next.stdoutChars() + (stderr ? 0 : chunk.text().length()),
            next.stderrChars() + (stderr ? chunk.text().length() : 0));
      }
      return page.nextSeq() == null ? CompletableFuture.completedFuture(next) : positionFrom(next);
    });
  }
}
