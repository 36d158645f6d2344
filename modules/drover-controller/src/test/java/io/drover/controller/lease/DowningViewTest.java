package io.drover.controller.lease;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.junit.jupiter.api.Test;

/** Which side of a partition may down the other's expired controllers: the one keep-majority keeps. */
class DowningViewTest {

  private static final Address A = controller("10.0.0.1");
  private static final Address B = controller("10.0.0.2");
  private static final Address C = controller("10.0.0.3");
  private static final Address D = controller("10.0.0.4");

  @Test
  void theMajorityDecidesAndTheMinorityNever() {
    assertTrue(DowningView.keepsMajority(List.of(A, B, C), Set.of(C)));
    assertTrue(DowningView.keepsMajority(List.of(A, B, C), Set.of(A)));
    assertFalse(DowningView.keepsMajority(List.of(A, B, C), Set.of(A, B)));
    assertFalse(DowningView.keepsMajority(List.of(A, B, C, D), Set.of(B, C, D)));
  }

  @Test
  void aTieGoesToTheSideWithTheLowestAddress() {
    assertTrue(DowningView.keepsMajority(List.of(A, B), Set.of(B)));
    assertFalse(DowningView.keepsMajority(List.of(A, B), Set.of(A)));
    assertTrue(DowningView.keepsMajority(List.of(D, C, B, A), Set.of(C, D)));
    assertFalse(DowningView.keepsMajority(List.of(D, C, B, A), Set.of(A, D)));
  }

  private static Address controller(String host) {
    return new Address("pekko", "drover", host, 25520);
  }
}
