package io.drover.node.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.node.cassandra.RepoRoot;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The node's logging configurations, as shipped: with {@code DROVER_LOG_FORMAT=json} each event is
 * one JSON object on one line with its time, level, logger, thread, message, exception and MDC;
 * otherwise text that shows a job's MDC.
 */
class LogFormatTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Map<String, String> JOB_MDC = Map.of("jobId", "job-1", "attempt", "2", "node", "agent-7");

  @Test
  void jsonFormatRendersOneObjectALineWithTheMdc() throws Exception {
    String line = render(configured(defaultConfiguration(), "json"), "CONSOLE", event(JOB_MDC, new IllegalStateException("disk full")));

    assertTrue(line.endsWith("\n"), line);
    assertEquals(1, line.strip().lines().count(), "one line: " + line);
    JsonNode json = JSON.readTree(line);
    assertEquals("WARN", json.path("level").asText(), line);
    assertEquals("io.drover.agent.NodeAgent", json.path("loggerName").asText(), line);
    assertEquals("agent-thread", json.path("threadName").asText(), line);
    assertEquals("Attempt 2 of job-1 failed: exit code 3", json.path("formattedMessage").asText(), line);
    assertEquals(1_700_000_000_000L, json.path("timestamp").asLong(), line);
    assertTrue(json.path("throwable").toString().contains("disk full"), line);
    assertEquals("job-1", json.path("mdc").path("jobId").asText(), line);
    assertEquals("2", json.path("mdc").path("attempt").asText(), line);
    assertEquals("agent-7", json.path("mdc").path("node").asText(), line);
  }

  @Test
  void textFormatShowsAJobsMdcAndNothingWithout() throws Exception {
    LoggerContext context = configured(defaultConfiguration(), null);

    String withJob = render(context, "CONSOLE", event(JOB_MDC, null));
    assertTrue(withJob.contains("jobId=job-1 attempt=2 node=agent-7 Attempt 2 of job-1 failed"), withJob);
    String without = render(context, "CONSOLE", event(Map.of(), null));
    assertTrue(without.contains("NodeAgent - Attempt 2"), without);
    assertFalse(without.contains("jobId="), without);
  }

  @Test
  void devConfigurationWritesItsFileInTheChosenFormat() throws Exception {
    URL dev = RepoRoot.locate().resolve("conf/logback-dev.xml").toUri().toURL();
    String json = render(configured(dev, "json"), "FILE", event(JOB_MDC, null));
    assertEquals("job-1", JSON.readTree(json).path("mdc").path("jobId").asText(), json);
    String text = render(configured(dev, "text"), "FILE", event(JOB_MDC, null));
    assertTrue(text.contains("[agent-thread] io.drover.agent.NodeAgent - jobId=job-1 attempt=2 node=agent-7 "), text);
  }

  private static URL defaultConfiguration() {
    return LogFormatTest.class.getResource("/logback.xml");
  }

  /** A logger context configured from {@code configuration}, as if DROVER_LOG_FORMAT were {@code format}. */
  private static LoggerContext configured(URL configuration, String format) throws Exception {
    LoggerContext context = new LoggerContext();
    context.putProperty("drover.log.dir", Path.of(System.getProperty("java.io.tmpdir"), "drover-log-format-test").toString());
    if (format != null) {
      context.putProperty("DROVER_LOG_FORMAT", format);
    }
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(configuration);
    return context;
  }

  private static ILoggingEvent event(Map<String, String> mdc, Throwable error) {
    LoggerContext context = new LoggerContext();
    Logger logger = context.getLogger("io.drover.agent.NodeAgent");
    LoggingEvent event = new LoggingEvent("ch.qos.logback.classic.Logger", logger, Level.WARN,
        "Attempt {} of {} failed: exit code {}", error, new Object[] {2, "job-1", 3});
    event.setThreadName("agent-thread");
    event.setTimeStamp(1_700_000_000_000L);
    event.setMDCPropertyMap(mdc);
    return event;
  }

  private static String render(LoggerContext context, String appender, ILoggingEvent event) {
    OutputStreamAppender<ILoggingEvent> out =
        (OutputStreamAppender<ILoggingEvent>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(appender);
    return new String(out.getEncoder().encode(event), StandardCharsets.UTF_8);
  }
}
