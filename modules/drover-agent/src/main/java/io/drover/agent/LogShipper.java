package io.drover.agent;

import io.drover.agent.exec.OutputStream;
import io.drover.protocol.LogProtocol;
import io.drover.protocol.LogProtocol.AppendLog;
import io.drover.protocol.LogProtocol.LogAppended;
import io.drover.protocol.LogProtocol.LogChunk;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * Ships one attempt's output to the controllers' log ingest, in chunks, in order, one batch in
 * flight at a time, resending until a batch is acknowledged. Output past the per-attempt limit is
 * counted and dropped, and a note says so at the end.
 *
 * <p>For an attempt re-attached after an agent restart, the executor replays the container's
 * output from its beginning: the shipper first asks the ingest how much of it is stored (the next
 * sequence number and the characters per stream) and ships only what follows, holding output
 * until it knows.
 */
final class LogShipper {

  interface Command {}

  /** Output from the executor (called on its threads; only {@code tell} crosses over). */
  record Output(OutputStream stream, byte[] data) implements Command {}

  /** Sends what is buffered and replies once all of it is stored. */
  record Flush(ActorRef<Flushed> replyTo) implements Command {}

  record Flushed() {}

  private record Tick() implements Command {}

  private record Resend() implements Command {}

  private record Appended(LogAppended ack) implements Command {}

  private record Ingests(Receptionist.Listing listing) implements Command {}

  private record Positioned(LogProtocol.LogPosition position) implements Command {}

  private record AskPosition() implements Command {}

  private static final int MAX_CHUNKS_PER_BATCH = 16;
  private static final Duration RESEND_AFTER = Duration.ofSeconds(3);

  /** @param resume whether the attempt was re-attached, so part of its output may be stored already */
  static Behavior<Command> create(String jobId, int attempt, AgentSettings settings, boolean resume) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new LogShipper(jobId, attempt, settings, resume, ctx, timers).behavior()));
  }

  private final String jobId;
  private final int attempt;
  private final AgentSettings settings;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ActorRef<LogAppended> acks;
  private final ActorRef<LogProtocol.LogPosition> positions;
  private final Map<OutputStream, CharsetDecoder> decoders = new EnumMap<>(OutputStream.class);
  private final Map<OutputStream, ByteBuffer> partial = new EnumMap<>(OutputStream.class);
  private final Deque<LogChunk> unsent = new ArrayDeque<>();
  private final List<ActorRef<Flushed>> flushWaiters = new ArrayList<>();
  private List<ActorRef<LogProtocol.LogCommand>> ingests = List.of();
  private List<LogChunk> inFlight = List.of();
  private OutputStream currentStream;
  private StringBuilder current = new StringBuilder();
  private long currentTimestamp;
  private long nextSeq;
  private long shippedBytes;
  private long droppedBytes;
  private int ingestIndex;
  /** Resuming: output held until the stored position is known; null once it is (or when new). */
  private List<Output> held;
  /** Resuming: characters per stream that are stored already and are skipped in the replay. */
  private final Map<OutputStream, Long> skip = new EnumMap<>(OutputStream.class);

  private LogShipper(String jobId, int attempt, AgentSettings settings, boolean resume, ActorContext<Command> context,
      TimerScheduler<Command> timers) {
    this.jobId = jobId;
    this.attempt = attempt;
    this.settings = settings;
    this.context = context;
    this.timers = timers;
    this.held = resume ? new ArrayList<>() : null;
    this.acks = context.messageAdapter(LogAppended.class, Appended::new);
    this.positions = context.messageAdapter(LogProtocol.LogPosition.class, Positioned::new);
    context.getSystem().receptionist().tell(Receptionist.subscribe(LogProtocol.SERVICE_KEY,
        context.messageAdapter(Receptionist.Listing.class, Ingests::new)));
    timers.startTimerWithFixedDelay(new Tick(), settings.logFlushInterval());
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Output.class, msg -> {
          if (held != null) {
            held.add(msg);
          } else {
            append(msg.stream(), msg.data());
          }
          return Behaviors.same();
        })
        .onMessage(Tick.class, msg -> {
          if (held == null) {
            seal();
            sendNext();
          }
          return Behaviors.same();
        })
        .onMessage(Flush.class, msg -> {
          flushWaiters.add(msg.replyTo());
          if (held == null) {
            finishAndSend();
          }
          return Behaviors.same();
        })
        .onMessage(AskPosition.class, msg -> {
          askPosition();
          return Behaviors.same();
        })
        .onMessage(Positioned.class, msg -> {
          if (held != null) {
            onPositioned(msg.position());
          }
          return Behaviors.same();
        })
        .onMessage(Appended.class, msg -> {
          if (!inFlight.isEmpty() && msg.ack().seq() == inFlight.get(inFlight.size() - 1).seq()) {
            inFlight = List.of();
            timers.cancel(Resend.class);
            sendNext();
            answerFlushWaiters();
          }
          return Behaviors.same();
        })
        .onMessage(Resend.class, msg -> {
          if (!inFlight.isEmpty()) {
            ingestIndex++;
            send(inFlight);
          }
          return Behaviors.same();
        })
        .onMessage(Ingests.class, msg -> {
          ingests = new ArrayList<>(msg.listing().getServiceInstances(LogProtocol.SERVICE_KEY));
          if (held != null) {
            askPosition();
          } else {
            sendNext();
          }
          return Behaviors.same();
        })
        .build();
  }

  private void askPosition() {
    if (held == null || ingests.isEmpty()) {
      return;
    }
    ActorRef<LogProtocol.LogCommand> ingest = ingests.get(Math.floorMod(ingestIndex++, ingests.size()));
    ingest.tell(new LogProtocol.GetLogPosition(jobId, attempt, positions));
    timers.startSingleTimer(AskPosition.class, new AskPosition(), RESEND_AFTER);
  }

  private void onPositioned(LogProtocol.LogPosition position) {
    timers.cancel(AskPosition.class);
    nextSeq = position.nextSeq();
    skip.put(OutputStream.STDOUT, position.stdoutChars());
    skip.put(OutputStream.STDERR, position.stderrChars());
    context.getLog().debug("Job {} attempt {}: {} chunks of output are stored; shipping what follows", jobId, attempt, nextSeq);
    List<Output> replay = held;
    held = null;
    replay.forEach(output -> append(output.stream(), output.data()));
    if (!flushWaiters.isEmpty()) {
      finishAndSend();
    } else {
      sendNext();
    }
  }

  private void finishAndSend() {
    finish();
    sendNext();
    answerFlushWaiters();
  }

  private void append(OutputStream stream, byte[] data) {
    long room = settings.logMaxBytesPerAttempt() - shippedBytes;
    if (room <= 0) {
      droppedBytes += data.length;
      return;
    }
    int length = (int) Math.min(room, data.length);
    droppedBytes += data.length - length;
    shippedBytes += length;
    String text = skipStored(stream, decode(stream, ByteBuffer.wrap(data, 0, length)));
    if (text.isEmpty()) {
      return;
    }
    if (currentStream != stream || current.length() >= settings.logChunkBytes()) {
      seal();
      currentStream = stream;
      currentTimestamp = System.currentTimeMillis();
    }
    current.append(text);
    if (current.length() >= settings.logChunkBytes()) {
      seal();
    }
  }

  /** Drops the part of a replayed stream that is stored already. */
  private String skipStored(OutputStream stream, String text) {
    long stored = skip.getOrDefault(stream, 0L);
    if (stored == 0) {
      return text;
    }
    int skipped = (int) Math.min(stored, text.length());
    skip.put(stream, stored - skipped);
    return text.substring(skipped);
  }

  /** Decodes UTF-8, keeping an incomplete trailing character for the next piece of output. */
  private String decode(OutputStream stream, ByteBuffer bytes) {
    CharsetDecoder decoder = decoders.computeIfAbsent(stream, s -> StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE));
    ByteBuffer leftover = partial.remove(stream);
    ByteBuffer input = bytes;
    if (leftover != null) {
      input = ByteBuffer.allocate(leftover.remaining() + bytes.remaining()).put(leftover).put(bytes).flip();
    }
    CharBuffer out = CharBuffer.allocate(input.remaining() + 1);
    decoder.decode(input, out, false);
    if (input.hasRemaining()) {
      partial.put(stream, ByteBuffer.allocate(input.remaining()).put(input).flip());
    }
    return out.flip().toString();
  }

  private void seal() {
    if (current.length() > 0) {
      unsent.add(new LogChunk(nextSeq++, currentStream.name().toLowerCase(Locale.ROOT), currentTimestamp, current.toString()));
      current = new StringBuilder();
    }
  }

  /** The attempt ended: decode what is left and add the note about dropped output. */
  private void finish() {
    partial.forEach((stream, bytes) -> {
      CharsetDecoder decoder = decoders.get(stream);
      CharBuffer out = CharBuffer.allocate(bytes.remaining() + 2);
      decoder.decode(bytes, out, true);
      decoder.flush(out);
      if (currentStream != stream) {
        seal();
        currentStream = stream;
        currentTimestamp = System.currentTimeMillis();
      }
      current.append(out.flip());
    });
    partial.clear();
    seal();
    if (droppedBytes > 0) {
      unsent.add(new LogChunk(nextSeq++, "stderr", System.currentTimeMillis(),
          "\n[drover] " + droppedBytes + " bytes of output were dropped: this attempt wrote more than "
              + settings.logMaxBytesPerAttempt() + " bytes (drover.agent.logs.max-bytes-per-attempt).\n"));
      droppedBytes = 0;
    }
  }

  private void sendNext() {
    if (!inFlight.isEmpty() || unsent.isEmpty() || ingests.isEmpty()) {
      return;
    }
    List<LogChunk> batch = new ArrayList<>();
    while (!unsent.isEmpty() && batch.size() < MAX_CHUNKS_PER_BATCH) {
      batch.add(unsent.poll());
    }
    inFlight = batch;
    send(batch);
  }

  private void send(List<LogChunk> batch) {
    if (ingests.isEmpty()) {
      timers.startSingleTimer(Resend.class, new Resend(), RESEND_AFTER);
      return;
    }
    ActorRef<LogProtocol.LogCommand> ingest = ingests.get(Math.floorMod(ingestIndex, ingests.size()));
    ingest.tell(new AppendLog(jobId, attempt, batch, acks));
    timers.startSingleTimer(Resend.class, new Resend(), RESEND_AFTER);
  }

  private void answerFlushWaiters() {
    if (inFlight.isEmpty() && unsent.isEmpty() && current.length() == 0) {
      flushWaiters.forEach(w -> w.tell(new Flushed()));
      flushWaiters.clear();
    }
  }
}
