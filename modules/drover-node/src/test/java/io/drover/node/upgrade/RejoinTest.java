package io.drover.node.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.drover.node.upgrade.Membership.Member;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RejoinTest {

  private static final String SELF = "pekko://drover@ctl-1:25520";
  private static final String AGENT = "pekko://drover@w-1:25520";
  private static final Map<String, String> OTHERS = Map.of("w-1", AGENT);

  private static Membership view(List<Member> members, List<String> unreachable) {
    return new Membership(SELF, members, unreachable, Map.of());
  }

  private static Member self(String uid, String status) {
    return new Member(SELF, uid, status, Set.of("controller"));
  }

  private static Member agent(String status) {
    return new Member(AGENT, "7", status, Set.of("agent"));
  }

  @Test
  void backOnceANewIncarnationSeesEveryMemberUpAndNoneUnreachable() {
    assertEquals(Optional.empty(), Rejoin.waitingFor("1", view(List.of(self("2", "Up"), agent("Up")), List.of()), OTHERS));
  }

  @Test
  void saysWhatItStillWaitsFor() {
    assertEquals(Optional.of("it to list itself as a member"),
        Rejoin.waitingFor("1", view(List.of(agent("Up")), List.of()), OTHERS));
    assertEquals(Optional.of("a new incarnation (it still runs nodeUid 1: did the restart stop the process?)"),
        Rejoin.waitingFor("1", view(List.of(self("1", "Up"), agent("Up")), List.of()), OTHERS));
    assertEquals(Optional.of("every member to be Up (" + AGENT + " is Joining)"),
        Rejoin.waitingFor("1", view(List.of(self("2", "Up"), agent("Joining")), List.of()), OTHERS));
    assertEquals(Optional.of("no member to be unreachable (" + AGENT + ")"),
        Rejoin.waitingFor("1", view(List.of(self("2", "Up"), agent("Up")), List.of(AGENT)), OTHERS));
    assertEquals(Optional.of("every inventory node to be a member (missing: w-1 at " + AGENT + ")"),
        Rejoin.waitingFor("1", view(List.of(self("2", "Up")), List.of()), OTHERS));
  }
}
