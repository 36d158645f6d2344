package io.drover.core.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReplayGuardTest {

  private static final Instant T0 = Instant.parse("2025-01-02T03:04:05Z");
  private static final Duration WINDOW = Duration.ofMinutes(5);

  private final ManualClock clock = new ManualClock(T0);

  @Test
  void aSignatureIsRefusedTheSecondTimeWithinItsWindow() {
    ReplayGuard guard = new ReplayGuard(100, clock);

    assertTrue(guard.firstUse("sig-a", T0, WINDOW));
    assertTrue(guard.firstUse("sig-b", T0, WINDOW));
    clock.advance(Duration.ofMinutes(4));
    assertFalse(guard.firstUse("sig-a", T0, WINDOW));
    assertFalse(guard.firstUse("sig-b", T0, WINDOW));
  }

  @Test
  void aSignatureIsForgottenOnceItsWindowEnds() {
    ReplayGuard guard = new ReplayGuard(100, clock);
    guard.firstUse("sig-a", T0, WINDOW);

    clock.advance(WINDOW.plusSeconds(1));

    assertTrue(guard.firstUse("sig-b", T0.plus(WINDOW), WINDOW));
    assertEquals(1, guard.size(), "sig-a was forgotten when sig-b arrived");
  }

  @Test
  void theWindowCountsFromTheSigningTimeNotTheArrival() {
    ReplayGuard guard = new ReplayGuard(100, clock);
    Instant signedInTheFuture = T0.plus(Duration.ofMinutes(4));
    guard.firstUse("sig-a", signedInTheFuture, WINDOW);

    clock.advance(Duration.ofMinutes(8));

    assertFalse(guard.firstUse("sig-a", signedInTheFuture, WINDOW), "still inside 03:08:05 + 5 min");
  }

  @Test
  void aSignatureWhoseWindowHasEndedIsNotRemembered() {
    ReplayGuard guard = new ReplayGuard(100, clock);
    Instant longAgo = T0.minus(Duration.ofHours(1));

    assertTrue(guard.firstUse("stale", longAgo, WINDOW));
    assertTrue(guard.firstUse("stale", longAgo, WINDOW));
    assertEquals(0, guard.size());
  }

  @Test
  void whenFullTheSignatureWhoseWindowEndsSoonestMakesRoom() {
    ReplayGuard guard = new ReplayGuard(3, clock);
    guard.firstUse("late", T0.plusSeconds(60), WINDOW);
    guard.firstUse("soonest", T0.minusSeconds(60), WINDOW);
    guard.firstUse("middle", T0, WINDOW);

    assertTrue(guard.firstUse("new", T0, WINDOW), "a full guard never locks new signatures out");

    assertEquals(3, guard.size());
    assertTrue(guard.firstUse("soonest", T0.minusSeconds(60), WINDOW), "forgotten to make room");
    assertFalse(guard.firstUse("late", T0.plusSeconds(60), WINDOW));
    assertFalse(guard.firstUse("new", T0, WINDOW));
  }

  @Test
  void memoryStaysWithinTheBoundUnderAFlood() {
    ReplayGuard guard = new ReplayGuard(1000, clock);

    for (int i = 0; i < 50_000; i++) {
      assertTrue(guard.firstUse("sig-" + i, clock.instant(), WINDOW));
      if (i % 100 == 0) {
        clock.advance(Duration.ofSeconds(1));
      }
    }

    assertEquals(1000, guard.size());
  }

  @Test
  void amongConcurrentCallersExactlyOneGetsTheFirstUse() throws Exception {
    ReplayGuard guard = new ReplayGuard(10_000, clock);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 200; round++) {
        String signature = "sig-" + round;
        List<Callable<Boolean>> callers = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
          callers.add(() -> guard.firstUse(signature, T0, WINDOW));
        }
        int firsts = 0;
        for (Future<Boolean> result : pool.invokeAll(callers)) {
          firsts += result.get() ? 1 : 0;
        }
        assertEquals(1, firsts, signature);
      }
    } finally {
      pool.shutdown();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void aGuardNeedsRoomForOneSignature() {
    assertThrows(IllegalArgumentException.class, () -> new ReplayGuard(0, clock));
    assertThrows(IllegalArgumentException.class, () -> new ReplayGuard(1, clock).firstUse("s", T0, Duration.ofSeconds(-1)));
  }
}
