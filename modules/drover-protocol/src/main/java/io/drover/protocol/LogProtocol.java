package io.drover.protocol;

import io.drover.core.CborSerializable;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Agents ship attempt output to controllers, which store it in Cassandra; agents never hold
 * database credentials. Chunks carry a sequence number per attempt, so a resend after a lost
 * acknowledgement overwrites instead of duplicating.
 */
public final class LogProtocol {

  public interface LogCommand extends CborSerializable {}

  public static final ServiceKey<LogCommand> SERVICE_KEY = ServiceKey.create(LogCommand.class, "drover-log-ingest");

  public record AppendLog(String jobId, int attempt, List<LogChunk> chunks, ActorRef<LogAppended> replyTo)
      implements LogCommand {}

  /** @param stream {@code stdout} or {@code stderr} */
  public record LogChunk(long seq, String stream, long timestamp, String text) implements CborSerializable {}

  /** Everything up to and including {@code seq} is stored. */
  public record LogAppended(String jobId, int attempt, long seq) implements CborSerializable {}

  /**
   * From an agent that re-attached to an attempt after a restart: how much of its output is
   * stored? The agent replays the container's log and ships only what follows.
   */
  public record GetLogPosition(String jobId, int attempt, ActorRef<LogPosition> replyTo) implements LogCommand {}

  /**
   * @param nextSeq the sequence number the next chunk gets
   * @param stdoutChars characters of standard output stored
   * @param stderrChars characters of standard error stored
   */
  public record LogPosition(String jobId, int attempt, long nextSeq, long stdoutChars, long stderrChars)
      implements CborSerializable {}

  private LogProtocol() {}
}
