package io.drover.node.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusReportTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode cluster() throws Exception {
    return JSON.readTree("""
        {"selfAddress": "pekko://drover@10.0.0.1:25520",
         "members": [
           {"address": "pekko://drover@10.0.0.1:25520", "host": "10.0.0.1", "port": 25520,
            "roles": ["agent", "controller"], "status": "Up", "appVersion": "1.4.0", "reachable": true, "oldest": true},
           {"address": "pekko://drover@10.0.0.22:25520", "host": "10.0.0.22", "port": 25520,
            "roles": ["agent"], "status": "Leaving", "appVersion": "1.3.2", "reachable": false, "oldest": false}],
         "hosts": [
           {"hostId": "ip-10-0-0-22", "connected": true, "computeEnvironment": "spot-ce", "lifecycle": "SPOT",
            "vcpus": 4.0, "memoryMiB": 8192, "usedVcpus": 1.5, "usedMemoryMiB": 2048, "runningJobs": ["a", "b"],
            "schedulable": false, "drained": {"reason": "kernel upgrade", "drainedAt": 1, "drainedBy": "arn"},
            "spotNotice": {"kind": "INTERRUPTION", "noticedAt": 1767225600000, "actionAt": 1767225720000}},
           {"hostId": "old-host", "connected": false, "computeEnvironment": null, "lifecycle": null,
            "vcpus": null, "memoryMiB": null, "usedVcpus": null, "usedMemoryMiB": null, "runningJobs": [],
            "schedulable": false, "drained": {"reason": "", "drainedAt": 1, "drainedBy": "arn"}, "spotNotice": null},
           {"hostId": "worker-1", "connected": true, "computeEnvironment": "on-prem", "lifecycle": "ON_DEMAND",
            "vcpus": 16.0, "memoryMiB": 65536, "usedVcpus": 0.0, "usedMemoryMiB": 0, "runningJobs": [],
            "schedulable": true, "drained": null, "spotNotice": null}]}
        """);
  }

  @Test
  void membersAreATableWithReadinessAndTheOldestMarked() throws Exception {
    String table = StatusReport.members(cluster(), Map.of(
        "pekko://drover@10.0.0.1:25520", "ready",
        "pekko://drover@10.0.0.22:25520", "unknown (no answer within 2 s)"));

    assertEquals("""
        ADDRESS                         ROLES             STATUS   APP VERSION  REACHABLE  READY                           OLDEST
        pekko://drover@10.0.0.1:25520   agent,controller  Up       1.4.0        yes        ready                           yes
        pekko://drover@10.0.0.22:25520  agent             Leaving  1.3.2        NO         unknown (no answer within 2 s)
        """, table);
  }

  @Test
  void hostsAreATableOfUseJobsStateAndSpotNotices() throws Exception {
    assertEquals("""
        HOST ID       COMPUTE ENV  LIFECYCLE  VCPUS USED/TOTAL  MEMORY MIB USED/TOTAL  JOBS  STATE                    SPOT NOTICE
        ip-10-0-0-22  spot-ce      SPOT       1.5/4             2048/8192              2     drained: kernel upgrade  INTERRUPTION at 2026-01-01T00:00:00Z, action at 2026-01-01T00:02:00Z
        old-host      -            -          -                 -                      0     not connected, drained   -
        worker-1      on-prem      ON_DEMAND  0/16              0/65536                0     schedulable              -
        """, StatusReport.hosts(cluster()));
  }

  @Test
  void noHostsSaySo() throws Exception {
    assertEquals("(no hosts)\n", StatusReport.hosts(JSON.readTree("{\"hosts\": []}")));
  }

  @Test
  void aTablePadsColumnsToTheWidestCellWithoutTrailingBlanks() {
    assertEquals("A    BB\nccc  d\n", StatusReport.table(List.of(List.of("A", "BB"), List.of("ccc", "d"))));
  }
}
