package io.drover.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.drover.agent.exec.OutputStream;
import io.drover.protocol.LogProtocol;
import io.drover.protocol.LogProtocol.AppendLog;
import io.drover.protocol.LogProtocol.LogAppended;
import io.drover.protocol.LogProtocol.LogChunk;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LogShipperTest {

  /** A fresh actor system per test, so each test's ingest probe is the only one registered. */
  private ActorTestKit testKit;

  @BeforeEach
  void start() {
    testKit = ActorTestKit.create(ConfigFactory.parseString("""
        drover.agent.logs.chunk-bytes = 16
        drover.agent.logs.flush-interval = 50ms
        drover.agent.logs.max-bytes-per-attempt = 100
        """).withFallback(ConfigFactory.load()));
  }

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void shipsOutputInOrderAcrossChunksAndKeepsSplitCharactersWhole() {
    TestProbe<LogProtocol.LogCommand> ingest = registeredIngest();
    ActorRef<LogShipper.Command> shipper = spawnShipper("job-a");
    byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
    shipper.tell(new LogShipper.Output(OutputStream.STDOUT, "price: ".getBytes(StandardCharsets.UTF_8)));
    shipper.tell(new LogShipper.Output(OutputStream.STDOUT, Arrays.copyOfRange(euro, 0, 2)));
    shipper.tell(new LogShipper.Output(OutputStream.STDOUT, Arrays.copyOfRange(euro, 2, 3)));
    shipper.tell(new LogShipper.Output(OutputStream.STDERR, "warning\n".getBytes(StandardCharsets.UTF_8)));
    shipper.tell(new LogShipper.Output(OutputStream.STDOUT, "a much longer line of output\n".getBytes(StandardCharsets.UTF_8)));
    TestProbe<LogShipper.Flushed> flushed = testKit.createTestProbe();
    shipper.tell(new LogShipper.Flush(flushed.ref()));

    List<LogChunk> chunks = receiveAndAck(ingest, flushed);
    StringBuilder stdout = new StringBuilder();
    StringBuilder stderr = new StringBuilder();
    for (int i = 0; i < chunks.size(); i++) {
      assertEquals(i, chunks.get(i).seq(), "chunks are numbered in order");
      (chunks.get(i).stream().equals("stdout") ? stdout : stderr).append(chunks.get(i).text());
    }
    assertEquals("price: €a much longer line of output\n", stdout.toString());
    assertEquals("warning\n", stderr.toString());
  }

  @Test
  void dropsOutputBeyondTheLimitAndSaysHowMuch() {
    TestProbe<LogProtocol.LogCommand> ingest = registeredIngest();
    ActorRef<LogShipper.Command> shipper = spawnShipper("job-b");
    shipper.tell(new LogShipper.Output(OutputStream.STDOUT, "x".repeat(150).getBytes(StandardCharsets.UTF_8)));
    TestProbe<LogShipper.Flushed> flushed = testKit.createTestProbe();
    shipper.tell(new LogShipper.Flush(flushed.ref()));

    List<LogChunk> chunks = receiveAndAck(ingest, flushed);
    String stdout = chunks.stream().filter(c -> c.stream().equals("stdout")).map(LogChunk::text).reduce("", String::concat);
    String stderr = chunks.stream().filter(c -> c.stream().equals("stderr")).map(LogChunk::text).reduce("", String::concat);
    assertEquals("x".repeat(100), stdout);
    assertTrue(stderr.contains("50 bytes of output were dropped"), stderr);
  }

  @Test
  void resendsABatchThatIsNotAcknowledged() {
    TestProbe<LogProtocol.LogCommand> ingest = registeredIngest();
    ActorRef<LogShipper.Command> shipper = spawnShipper("job-c");
    shipper.tell(new LogShipper.Output(OutputStream.STDOUT, "once\n".getBytes(StandardCharsets.UTF_8)));
    AppendLog first = ingest.expectMessageClass(AppendLog.class, Duration.ofSeconds(5));
    AppendLog again = ingest.expectMessageClass(AppendLog.class, Duration.ofSeconds(10));
    assertEquals(first.chunks(), again.chunks());
    again.replyTo().tell(new LogAppended(again.jobId(), again.attempt(), again.chunks().get(again.chunks().size() - 1).seq()));
    TestProbe<LogShipper.Flushed> flushed = testKit.createTestProbe();
    shipper.tell(new LogShipper.Flush(flushed.ref()));
    flushed.expectMessageClass(LogShipper.Flushed.class, Duration.ofSeconds(5));
  }

  @Test
  void aResumedShipperShipsOnlyWhatFollowsTheStoredOutputOfAReplay() {
    TestProbe<LogProtocol.LogCommand> ingest = registeredIngest();
    ActorRef<LogShipper.Command> shipper =
        testKit.spawn(LogShipper.create("job-d", 1, AgentSettings.from(testKit.system().settings().config()), true));
    // The container's whole output, replayed; "one\n" (stdout) and "oops" (stderr) were stored as chunks 0 and 1.
    shipper.tell(new LogShipper.Output(OutputStream.STDOUT, "one\ntwo\n".getBytes(StandardCharsets.UTF_8)));
    shipper.tell(new LogShipper.Output(OutputStream.STDERR, "oops!\n".getBytes(StandardCharsets.UTF_8)));
    TestProbe<LogShipper.Flushed> flushed = testKit.createTestProbe();
    shipper.tell(new LogShipper.Flush(flushed.ref()));

    LogProtocol.GetLogPosition ask = ingest.expectMessageClass(LogProtocol.GetLogPosition.class, Duration.ofSeconds(5));
    assertEquals("job-d", ask.jobId());
    ask.replyTo().tell(new LogProtocol.LogPosition("job-d", 1, 2, 4, 4));

    List<LogChunk> chunks = receiveAndAck(ingest, flushed);
    assertEquals(List.of(new LogChunk(2, "stdout", chunks.get(0).timestamp(), "two\n"),
        new LogChunk(3, "stderr", chunks.get(1).timestamp(), "!\n")), chunks);
  }

  private TestProbe<LogProtocol.LogCommand> registeredIngest() {
    TestProbe<LogProtocol.LogCommand> ingest = testKit.createTestProbe();
    TestProbe<Receptionist.Registered> registered = testKit.createTestProbe();
    testKit.system().receptionist().tell(Receptionist.register(LogProtocol.SERVICE_KEY, ingest.ref(), registered.ref()));
    registered.expectMessageClass(Receptionist.Registered.class);
    return ingest;
  }

  private ActorRef<LogShipper.Command> spawnShipper(String jobId) {
    return testKit.spawn(LogShipper.create(jobId, 1, AgentSettings.from(testKit.system().settings().config()), false));
  }

  /** Acknowledges every batch for this shipper's job until it reports the flush done. */
  private static List<LogChunk> receiveAndAck(TestProbe<LogProtocol.LogCommand> ingest, TestProbe<LogShipper.Flushed> flushed) {
    List<LogChunk> chunks = new ArrayList<>();
    while (true) {
      AppendLog append = ingest.expectMessageClass(AppendLog.class, Duration.ofSeconds(5));
      chunks.addAll(append.chunks());
      append.replyTo().tell(new LogAppended(append.jobId(), append.attempt(), append.chunks().get(append.chunks().size() - 1).seq()));
      if (flushedWithin(flushed)) {
        return chunks;
      }
    }
  }

  private static boolean flushedWithin(TestProbe<LogShipper.Flushed> flushed) {
    try {
      flushed.expectMessageClass(LogShipper.Flushed.class, Duration.ofMillis(300));
      return true;
    } catch (AssertionError notYet) {
      return false;
    }
  }
}
