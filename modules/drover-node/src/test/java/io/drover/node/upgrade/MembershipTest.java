package io.drover.node.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MembershipTest {

  @Test
  void readsPekkoManagementsClusterMembers() throws Exception {
    Membership membership = Membership.parse("""
        {"leader":"pekko://drover@10.0.0.5:25520",
         "members":[
           {"node":"pekko://drover@10.0.0.5:25520","nodeUid":"-8744318375426946717","roles":["controller","dc-default"],"status":"Up"},
           {"node":"pekko://drover@10.0.0.9:25520","nodeUid":"42","roles":["agent","dc-default"],"status":"Joining"}],
         "oldest":"pekko://drover@10.0.0.5:25520",
         "oldestPerRole":{"controller":"pekko://drover@10.0.0.5:25520","agent":"pekko://drover@10.0.0.9:25520"},
         "selfNode":"pekko://drover@10.0.0.9:25520",
         "unreachable":[{"node":"pekko://drover@10.0.0.5:25520","observedBy":["pekko://drover@10.0.0.9:25520"]}]}
        """);

    assertEquals("pekko://drover@10.0.0.9:25520", membership.selfNode());
    assertEquals(
        new Membership.Member("pekko://drover@10.0.0.5:25520", "-8744318375426946717", "Up", Set.of("controller", "dc-default")),
        membership.members().get(0));
    assertEquals("42", membership.self().orElseThrow().nodeUid());
    assertEquals(List.of(membership.members().get(1)), membership.notUp());
    assertEquals(List.of("pekko://drover@10.0.0.5:25520"), membership.unreachable());
    assertEquals("pekko://drover@10.0.0.5:25520", membership.oldestPerRole().get("controller"));
    assertEquals(Map.of(), Membership.parse("{\"selfNode\":\"a\",\"members\":[]}").oldestPerRole());
  }

  @Test
  void somethingElseIsRefused() {
    assertThrows(IOException.class, () -> Membership.parse("{\"status\":\"ok\"}"));
    assertThrows(IOException.class, () -> Membership.parse("<html>"));
  }
}
