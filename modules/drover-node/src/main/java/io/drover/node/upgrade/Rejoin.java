package io.drover.node.upgrade;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * When a restarted node is back: it answers {@code GET /ready} with 200 (checked before this), it is
 * a new incarnation (another nodeUid than before the restart), every member it sees is Up, none is
 * unreachable, and every other inventory node is still a member.
 */
final class Rejoin {

  private Rejoin() {}

  /**
   * What the node is still waiting for, in words an operator reads after "waiting for"; empty once
   * it is back.
   *
   * @param previousUid the nodeUid of the incarnation that was stopped
   * @param view the restarted node's own {@code /cluster/members}
   * @param others the other inventory nodes' addresses, by name
   */
  static Optional<String> waitingFor(String previousUid, Membership view, Map<String, String> others) {
    Optional<Membership.Member> self = view.self();
    if (self.isEmpty()) {
      return Optional.of("it to list itself as a member");
    }
    if (self.get().nodeUid().equals(previousUid)) {
      return Optional.of("a new incarnation (it still runs nodeUid " + previousUid + ": did the restart stop the process?)");
    }
    List<Membership.Member> notUp = view.notUp();
    if (!notUp.isEmpty()) {
      return Optional.of("every member to be Up ("
          + notUp.stream().map(member -> member.node() + " is " + member.status()).collect(Collectors.joining(", ")) + ")");
    }
    if (!view.unreachable().isEmpty()) {
      return Optional.of("no member to be unreachable (" + String.join(", ", view.unreachable()) + ")");
    }
    List<String> missing = others.entrySet().stream()
        .filter(other -> view.member(other.getValue()).isEmpty())
        .map(other -> other.getKey() + " at " + other.getValue())
        .toList();
    if (!missing.isEmpty()) {
      return Optional.of("every inventory node to be a member (missing: " + String.join(", ", missing) + ")");
    }
    return Optional.empty();
  }
}
