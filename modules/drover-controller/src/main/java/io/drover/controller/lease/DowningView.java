package io.drover.controller.lease;

import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.ClusterEvent.CurrentClusterState;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;

/** What {@link LeaseDowning} sees of its cluster, and how it downs a member. */
public interface DowningView {

  /**
   * The {@code host:port} of each controller this node sees unreachable, if this node decides for
   * its side: it is the controllers' leader there, and the split brain resolver's keep-majority
   * would keep that side. Empty otherwise.
   */
  Set<String> unreachableControllersToDecide();

  /** Downs the unreachable member at {@code owner} ({@code host:port}); false if there is none. */
  boolean down(String owner);

  /** This node's view of {@code cluster}, deciding for the members with {@code role}. */
  static DowningView of(Cluster cluster, String role) {
    return new DowningView() {
      @Override
      public Set<String> unreachableControllersToDecide() {
        CurrentClusterState state = cluster.state();
        if (!cluster.selfMember().hasRole(role) || !cluster.selfAddress().equals(state.getRoleLeader(role))) {
          return Set.of();
        }
        Set<Address> unreachable = state.getUnreachable().stream()
            .filter(m -> m.hasRole(role) && counted(m))
            .map(Member::address)
            .collect(Collectors.toSet());
        if (unreachable.isEmpty()) {
          return Set.of();
        }
        Set<Address> controllers = StreamSupport.stream(state.getMembers().spliterator(), false)
            .filter(m -> m.hasRole(role) && counted(m))
            .map(Member::address)
            .collect(Collectors.toSet());
        return keepsMajority(controllers, unreachable)
            ? unreachable.stream().map(Address::hostPort).collect(Collectors.toSet())
            : Set.of();
      }

      @Override
      public boolean down(String owner) {
        for (Member member : cluster.state().getUnreachable()) {
          if (member.address().hostPort().equals(owner) && counted(member)) {
            cluster.down(member.address());
            return true;
          }
        }
        return false;
      }
    };
  }

  /** Members keep-majority counts: Up or Leaving (joining ones may be joining the other side). */
  private static boolean counted(Member member) {
    return member.status() == MemberStatus.up() || member.status() == MemberStatus.leaving();
  }

  /**
   * Whether the reachable part of {@code controllers} is the side keep-majority keeps: more than
   * half of them, or exactly half with the lowest address among them.
   */
  static boolean keepsMajority(Collection<Address> controllers, Set<Address> unreachable) {
    long reachable = controllers.stream().filter(a -> !unreachable.contains(a)).count();
    long others = controllers.size() - reachable;
    if (reachable != others) {
      return reachable > others;
    }
    return controllers.stream().min(Member.addressOrdering()).filter(lowest -> !unreachable.contains(lowest)).isPresent();
  }
}
