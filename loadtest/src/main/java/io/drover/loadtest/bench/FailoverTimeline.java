package io.drover.loadtest.bench;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The steps of a failover as the surviving nodes logged them, each as seconds after the kill: when
 * the killed controller was marked unreachable, downed and removed, and when the scheduler and the
 * job shards' coordinator started again elsewhere. It puts a run's "placements resume" in order, so
 * that a slow run shows which step was slow. Reads the text log format (a line starts with its
 * time of day, {@code HH:mm:ss.SSS}, in the nodes' time zone).
 */
final class FailoverTimeline {

  /** A step, with what a surviving node logs when it happens ({@code %s}: the killed node's address). */
  enum Step {
    UNREACHABLE("unreachable", "Marking node as UNREACHABLE [Member(%s,"),
    DOWNED("downed", "Marking unreachable node [%s] as [Down]"),
    REMOVED("removed", "Leader is removing unreachable node [%s]"),
    SCHEDULER_STARTED("scheduler restarted",
        "Singleton manager starting singleton actor [pekko://drover/system/singletonManagerscheduler/scheduler]"),
    JOB_SHARDS_ACTIVE("job shards' coordinator active", "Job: ShardCoordinator was moved to the active state");

    final String label;
    private final String marker;

    Step(String label, String marker) {
      this.label = label;
      this.marker = marker;
    }

    private String marker(String address) {
      return marker.replace("%s", address);
    }
  }

  private static final Pattern TIME = Pattern.compile("^(\\d{2}:\\d{2}:\\d{2}\\.\\d{3}) ");
  private static final Pattern ADDRESS = Pattern.compile("Cluster Node \\[(pekko://[^\\]]+)] - Starting up");

  private FailoverTimeline() {}

  /** The killed node's cluster address, from its own log's start-up line. */
  static Optional<String> address(List<String> killedNodesLog) {
    for (String line : killedNodesLog) {
      Matcher m = ADDRESS.matcher(line);
      if (m.find()) {
        return Optional.of(m.group(1));
      }
    }
    return Optional.empty();
  }

  /**
   * Seconds from {@code killedAt} to the first time any of {@code survivorsLogs} logged each step at
   * or after the kill; steps no log shows are left out.
   */
  static Map<Step, Double> read(List<List<String>> survivorsLogs, String address, long killedAt, ZoneId zone) {
    Map<Step, String> markers = new EnumMap<>(Step.class);
    for (Step step : Step.values()) {
      markers.put(step, step.marker(address));
    }
    Map<Step, Double> steps = new EnumMap<>(Step.class);
    ZonedDateTime kill = Instant.ofEpochMilli(killedAt).atZone(zone);
    for (List<String> log : survivorsLogs) {
      for (String line : log) {
        markers.forEach((step, marker) -> {
          if (line.contains(marker)) {
            at(line, kill).filter(logged -> logged >= killedAt)
                .ifPresent(logged -> steps.merge(step, (logged - killedAt) / 1000.0, Math::min));
          }
        });
      }
    }
    return steps;
  }

  /** One summary cell: each step found, in order, e.g. {@code unreachable 4.0 s, downed 5.1 s}. */
  static String describe(Map<Step, Double> steps) {
    if (steps.isEmpty()) {
      return "not found in the logs";
    }
    List<String> parts = new ArrayList<>();
    steps.forEach((step, seconds) -> parts.add(step.label + " " + String.format(Locale.ROOT, "%.1f s", seconds)));
    return String.join(", ", parts);
  }

  /**
   * When a line was logged, in epoch milliseconds: its time of day on the kill's date, or on the next
   * day when that would put it more than 12 hours before the kill (the run went past midnight).
   */
  private static Optional<Long> at(String line, ZonedDateTime kill) {
    Matcher m = TIME.matcher(line);
    if (!m.find()) {
      return Optional.empty();
    }
    LocalTime time;
    try {
      time = LocalTime.parse(m.group(1));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
    ZonedDateTime logged = kill.with(time);
    if (logged.isBefore(kill.minusHours(12))) {
      logged = logged.plusDays(1);
    }
    return Optional.of(logged.toInstant().toEpochMilli());
  }
}
