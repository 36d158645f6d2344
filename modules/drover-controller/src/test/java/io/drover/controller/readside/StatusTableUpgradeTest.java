package io.drover.controller.readside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which {@code jobs_by_status} tables a starting controller alters: only those at Cassandra's default. */
class StatusTableUpgradeTest {

  @Test
  void aTableAtCassandrasDefaultGetsDroversTombstoneSettings() {
    assertEquals(Optional.of("ALTER TABLE drover.jobs_by_status WITH " + JobReadStore.STATUS_TABLE_OPTIONS),
        JobReadStore.upgradeStatusTableStatement("drover", 864_000));
    assertTrue(JobReadStore.STATUS_TABLE_OPTIONS.startsWith("gc_grace_seconds = 3600 "));
  }

  @Test
  void droversOwnSettingOrAnOperatorsStays() {
    assertEquals(Optional.empty(), JobReadStore.upgradeStatusTableStatement("drover", 3600));
    assertEquals(Optional.empty(), JobReadStore.upgradeStatusTableStatement("drover", 7200));
  }
}
