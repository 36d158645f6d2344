package io.drover.controller.api;

import io.drover.controller.readside.AttemptCostStore;
import io.drover.core.ClientError;
import io.drover.core.cost.CostGrouping;
import io.drover.core.cost.CostReport;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /drover/v1/cost}: the vCPU-hours and cost of the attempts that ended in a time range,
 * by queue, share, tag or host, with what the same work would have cost On-Demand. Query parameters:
 * {@code from} and {@code to} (ISO-8601 times, dates, or milliseconds since the epoch; default the
 * last 24 hours) and {@code groupBy} ({@link CostGrouping}; default {@code queue}). It spans every
 * queue, so it is allowed by its own action, {@value #ACTION}, on resource {@code *}.
 */
final class CostApi {

  static final String ACTION = "drover:GetCostReport";

  private static final Duration DEFAULT_RANGE = Duration.ofDays(1);
  private static final int DECIMALS = 6;

  /** The report as answered: money in USD and vCPU-hours, each to six decimal places. */
  record CostView(String from, String to, String groupBy, List<GroupView> groups, GroupView total) {}

  /** A group's sums; {@code key} is left out for attempts without a value, and for the total. */
  record GroupView(String key, long attempts, long unpricedAttempts, BigDecimal vcpuHours, BigDecimal cost,
      BigDecimal onDemandCost, BigDecimal savings) {

    static GroupView of(CostReport.Group group) {
      return new GroupView(group.key(), group.attempts(), group.unpricedAttempts(), round(group.vcpuHours()),
          round(group.cost()), round(group.onDemandCost()), round(group.savings()));
    }
  }

  private final AttemptCostStore store;

  CostApi(AttemptCostStore store) {
    this.store = store;
  }

  CompletionStage<CostView> report(Optional<String> from, Optional<String> to, Optional<String> groupBy, long now) {
    long end = to.map(value -> time(value, "to")).orElse(now);
    long start = from.map(value -> time(value, "from")).orElse(end - DEFAULT_RANGE.toMillis());
    ClientError.require(start < end, "from (" + Instant.ofEpochMilli(start) + ") must be before to ("
        + Instant.ofEpochMilli(end) + ").");
    CostGrouping grouping = CostGrouping.parse(groupBy.orElse("queue"));
    CostReport.Builder report = CostReport.builder(grouping);
    return store.scan(start, end, now, report::add).thenApply(done -> {
      CostReport built = report.build();
      return new CostView(Instant.ofEpochMilli(start).toString(), Instant.ofEpochMilli(end).toString(), built.groupBy(),
          built.groups().stream().map(GroupView::of).toList(), GroupView.of(built.total()));
    });
  }

  /** An ISO-8601 time ({@code 2025-03-01T12:00:00Z}, any offset), a date (its start, UTC), or epoch milliseconds. */
  private static long time(String value, String name) {
    try {
      if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
        return Long.parseLong(value);
      }
      if (value.length() == 10) {
        return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      }
      return Instant.parse(value).toEpochMilli();
    } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
      throw new ClientError(name + " '" + value + "' must be an ISO-8601 time such as 2025-03-01T00:00:00Z, a date "
          + "such as 2025-03-01, or milliseconds since the epoch.");
    }
  }

  private static BigDecimal round(double value) {
    return BigDecimal.valueOf(value).setScale(DECIMALS, RoundingMode.HALF_EVEN);
  }
}
