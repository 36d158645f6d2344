package io.drover.node.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code ./drover status} prints: the cluster's members and its hosts as two aligned tables,
 * from the JSON of {@code GET /drover/v1/cluster} and each member's readiness.
 */
public final class StatusReport {

  private StatusReport() {}

  /**
   * The members table.
   *
   * @param readiness each member's readiness by address ({@code ready}, {@code not ready (...)},
   *     {@code unknown (...)})
   */
  public static String members(JsonNode cluster, Map<String, String> readiness) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("ADDRESS", "ROLES", "STATUS", "APP VERSION", "REACHABLE", "READY", "OLDEST"));
    for (JsonNode member : cluster.path("members")) {
      List<String> roles = new ArrayList<>();
      member.path("roles").forEach(role -> roles.add(role.asText()));
      String address = member.path("address").asText();
      rows.add(List.of(address, String.join(",", roles), member.path("status").asText(),
          member.path("appVersion").asText(), member.path("reachable").asBoolean() ? "yes" : "NO",
          readiness.getOrDefault(address, "unknown (not probed)"), member.path("oldest").asBoolean() ? "yes" : ""));
    }
    return table(rows);
  }

  /** The hosts table; "(no hosts)" when there are none. */
  public static String hosts(JsonNode cluster) {
    if (cluster.path("hosts").isEmpty()) {
      return "(no hosts)\n";
    }
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("HOST ID", "COMPUTE ENV", "LIFECYCLE", "VCPUS USED/TOTAL", "MEMORY MIB USED/TOTAL", "JOBS", "STATE",
        "SPOT NOTICE"));
    for (JsonNode host : cluster.path("hosts")) {
      boolean connected = host.path("connected").asBoolean();
      rows.add(List.of(
          host.path("hostId").asText(),
          text(host.path("computeEnvironment")),
          text(host.path("lifecycle")),
          connected ? number(host.path("usedVcpus")) + "/" + number(host.path("vcpus")) : "-",
          connected ? number(host.path("usedMemoryMiB")) + "/" + number(host.path("memoryMiB")) : "-",
          Integer.toString(host.path("runningJobs").size()),
          state(host),
          spotNotice(host.path("spotNotice"))));
    }
    return table(rows);
  }

  /** {@code schedulable}, {@code not schedulable}, or {@code drained: <reason>} (and {@code gone, } before it). */
  static String state(JsonNode host) {
    JsonNode drained = host.path("drained");
    String state;
    if (drained.isObject()) {
      String reason = drained.path("reason").asText("");
      state = reason.isEmpty() ? "drained" : "drained: " + reason;
    } else {
      state = host.path("schedulable").asBoolean() ? "schedulable" : "not schedulable";
    }
    return host.path("connected").asBoolean() ? state : "not connected, " + state;
  }

  private static String spotNotice(JsonNode notice) {
    if (!notice.isObject()) {
      return "-";
    }
    String text = notice.path("kind").asText() + " at " + Instant.ofEpochMilli(notice.path("noticedAt").asLong());
    return notice.path("actionAt").isNumber()
        ? text + ", action at " + Instant.ofEpochMilli(notice.path("actionAt").asLong())
        : text;
  }

  private static String text(JsonNode value) {
    return value.isNull() || value.isMissingNode() ? "-" : value.asText();
  }

  /** A number without trailing zeros: 1.5, 4, 2048. */
  private static String number(JsonNode value) {
    return value.isNumber() ? value.decimalValue().stripTrailingZeros().toPlainString() : BigDecimal.ZERO.toString();
  }

  /** Columns padded to their widest cell, two spaces apart, no trailing blanks. */
  static String table(List<List<String>> rows) {
    int columns = rows.get(0).size();
    int[] widths = new int[columns];
    for (List<String> row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder text = new StringBuilder();
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(row.get(i));
        if (i < columns - 1) {
          line.append(" ".repeat(widths[i] - row.get(i).length() + 2));
        }
      }
      text.append(line.toString().stripTrailing()).append('\n');
    }
    return text.toString();
  }
}
