package io.drover.controller.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.controller.Json;
import io.drover.controller.scheduler.SchedulerActor.HostState;
import io.drover.core.controlplane.ControlPlaneEvent;
import io.drover.core.controlplane.ControlPlaneState;
import io.drover.core.controlplane.DrainedHost;
import io.drover.core.model.Resources;
import io.drover.protocol.SchedulerProtocol.AgentInfo;
import io.drover.protocol.SchedulerProtocol.SpotNotice;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The JSON of {@code GET /drover/v1/hosts}: one host, and the connected hosts merged with the drained set. */
class HostsApiViewTest {

  private static final ObjectMapper JSON = Json.mapper();
  private static final String ALICE = "arn:aws:iam::000000000000:user/alice";

  private static HostState host(String agentId, String ce, boolean spot, SpotNotice notice, boolean schedulable) {
    AgentInfo info = new AgentInfo(agentId, agentId + ".internal", "i-0abc", ce, new Resources(4_000, 8_192, 0),
        "docker", true, spot, notice, "m5.xlarge", 0.192, 0.192);
    return new HostState(info, new Resources(1_500, 2_048, 0), List.of("job-a", "job-b"), schedulable);
  }

  @Test
  void aConnectedHostShowsCapacityUseJobsAndNullsForWhatItHasNot() throws Exception {
    JsonNode json = JSON.valueToTree(HostsApi.HostView.of("agent-1", host("agent-1", "on-prem", false, null, true), null));

    assertEquals("agent-1", json.get("hostId").asText());
    assertTrue(json.get("connected").asBoolean());
    assertEquals("agent-1.internal", json.get("host").asText());
    assertEquals("i-0abc", json.get("instanceId").asText());
    assertEquals("on-prem", json.get("computeEnvironment").asText());
    assertEquals("docker", json.get("executor").asText());
    assertEquals("m5.xlarge", json.get("instanceType").asText());
    assertEquals("ON_DEMAND", json.get("lifecycle").asText());
    assertEquals(4.0, json.get("vcpus").asDouble());
    assertEquals(8192, json.get("memoryMiB").asLong());
    assertEquals(1.5, json.get("usedVcpus").asDouble());
    assertEquals(2048, json.get("usedMemoryMiB").asLong());
    assertEquals("[\"job-a\",\"job-b\"]", json.get("runningJobs").toString());
    assertTrue(json.get("schedulable").asBoolean());
    assertTrue(json.has("drained") && json.get("drained").isNull(), json.toString());
    assertTrue(json.has("spotNotice") && json.get("spotNotice").isNull(), json.toString());
    assertEquals(0.192, json.get("hourlyPrice").asDouble());
  }

  @Test
  void aDrainedSpotHostIsNotSchedulableAndShowsItsDrainAndNotice() {
    SpotNotice notice = new SpotNotice(SpotNotice.REBALANCE, 9_000, null);
    JsonNode json = JSON.valueToTree(HostsApi.HostView.of("agent-1", host("agent-1", "spot", true, notice, true),
        new DrainedHost("kernel upgrade", 7_000, ALICE)));

    assertEquals("SPOT", json.get("lifecycle").asText());
    assertFalse(json.get("schedulable").asBoolean());
    assertEquals("kernel upgrade", json.get("drained").get("reason").asText());
    assertEquals(7_000, json.get("drained").get("drainedAt").asLong());
    assertEquals(ALICE, json.get("drained").get("drainedBy").asText());
    assertEquals("REBALANCE", json.get("spotNotice").get("kind").asText());
    assertEquals(9_000, json.get("spotNotice").get("noticedAt").asLong());
  }

  @Test
  void connectedHostsAreMergedWithDrainedOnesThatAreGoneSortedByHostId() {
    ControlPlaneState state = ControlPlaneState.EMPTY
        .apply(new ControlPlaneEvent.HostDrained("b-gone", new DrainedHost("retired", 1, ALICE)))
        .apply(new ControlPlaneEvent.HostDrained("c-here", new DrainedHost("", 2, ALICE)));
    Map<String, HostState> hosts = new TreeMap<>(Map.of(
        "c-here", host("c-here", "on-prem", false, null, true),
        "a-here", host("a-here", "on-prem", false, null, true),
        "d-other", host("d-other", "gpu", false, null, true)));

    List<HostsApi.HostView> views = HostsApi.views(state, hosts, h -> true, id -> true);

    assertEquals(List.of("a-here", "b-gone", "c-here", "d-other"), views.stream().map(HostsApi.HostView::hostId).toList());
    HostsApi.HostView gone = views.get(1);
    assertFalse(gone.connected());
    assertFalse(gone.schedulable());
    assertEquals("retired", gone.drained().reason());
    assertFalse(views.get(2).schedulable());
    assertTrue(views.get(0).schedulable());
  }

  @Test
  void theFiltersDecideWhichConnectedAndWhichGoneHostsAreListed() {
    ControlPlaneState state = ControlPlaneState.EMPTY
        .apply(new ControlPlaneEvent.HostDrained("b-gone", new DrainedHost("retired", 1, ALICE)));
    Map<String, HostState> hosts = Map.of(
        "a-here", host("a-here", "on-prem", false, null, true),
        "d-other", host("d-other", "gpu", false, null, true));

    List<HostsApi.HostView> views = HostsApi.views(state, hosts,
        h -> h.info().computeEnvironment().equals("gpu"), id -> false);

    assertEquals(List.of("d-other"), views.stream().map(HostsApi.HostView::hostId).toList());
  }
}
