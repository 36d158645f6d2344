package io.drover.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The launch-failure label stays one of a few error names, whatever the reason's text. */
class LaunchFailureKindTest {

  @Test
  void theErrorNameAReasonStartsWithIsItsKind() {
    assertEquals("CannotPullContainerError",
        AttemptRunner.failureKind("CannotPullContainerError: pull access denied for drover/missing"));
    assertEquals("CannotStartContainerError", AttemptRunner.failureKind("CannotStartContainerError: the agent is shutting down"));
  }

  @Test
  void anyOtherReasonIsOther() {
    assertEquals("other", AttemptRunner.failureKind("connection refused: docker.sock"));
    assertEquals("other", AttemptRunner.failureKind("no colon at all"));
    assertEquals("other", AttemptRunner.failureKind(null));
  }
}
