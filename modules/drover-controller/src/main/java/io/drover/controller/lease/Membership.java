package io.drover.controller.lease;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.ClusterEvent.CurrentClusterState;
import org.apache.pekko.cluster.MemberStatus;

/** What a controller knows of its cluster, as far as its lease ({@link NodeLease}) needs it. */
public interface Membership {

  /** The {@code host:port} of every member not yet downed or removed. */
  Set<String> members();

  /**
   * Whether this node is Up and sees every member reachable. A controller whose lease lapsed
   * takes it back only then: one that is cut off may have been downed by the others.
   */
  boolean settled();

  /** This node's current view of {@code cluster}. */
  static Membership of(Cluster cluster) {
    return new Membership() {
      @Override
      public Set<String> members() {
        return StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
            .filter(m -> m.status() != MemberStatus.down() && m.status() != MemberStatus.removed())
            .map(m -> m.address().hostPort())
            .collect(Collectors.toSet());
      }

      @Override
      public boolean settled() {
        CurrentClusterState state = cluster.state();
        return cluster.selfMember().status() == MemberStatus.up() && state.getUnreachable().isEmpty();
      }
    };
  }
}
