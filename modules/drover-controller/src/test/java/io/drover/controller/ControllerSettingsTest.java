package io.drover.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/** How many waiting jobs a controller keeps in memory: set, or sized from its heap. */
class ControllerSettingsTest {

  private static final long GIB = 1024L * 1024 * 1024;

  @Test
  void autoKeepsAsManyWaitingJobsAsFillAnEighthOfTheHeap() {
    Config auto = job("warm-runnable-jobs = auto");

    assertEquals(21_845, ControllerSettings.warmRunnableJobs(auto, GIB));
    assertEquals(43_690, ControllerSettings.warmRunnableJobs(auto, 2 * GIB));
    assertEquals(Integer.MAX_VALUE, ControllerSettings.warmRunnableJobs(auto, Long.MAX_VALUE));
  }

  @Test
  void aNumberIsTakenAsItIsWhateverTheHeap() {
    assertEquals(10_000, ControllerSettings.warmRunnableJobs(job("warm-runnable-jobs = 10000"), GIB));
    assertEquals(0, ControllerSettings.warmRunnableJobs(job("warm-runnable-jobs = 0"), GIB));
    assertEquals(500, ControllerSettings.warmRunnableJobs(job("warm-runnable-jobs = \"500\""), GIB),
        "as an environment variable gives it");
  }

  @Test
  void theDefaultIsAuto() {
    Config reference = ConfigFactory.defaultReference().getConfig("drover.controller");

    assertEquals("auto", reference.getString("job.warm-runnable-jobs"));
    assertEquals(43_690, ControllerSettings.warmRunnableJobs(reference, 2 * GIB));
  }

  @Test
  void anythingElseIsRefusedNamingTheSettingAndWhatItAccepts() {
    for (String bad : new String[] {"-1", "lots"}) {
      ConfigException refused = assertThrows(ConfigException.BadValue.class,
          () -> ControllerSettings.warmRunnableJobs(job("warm-runnable-jobs = " + bad), GIB));
      assertTrue(refused.getMessage().contains("drover.controller.job.warm-runnable-jobs"), refused.getMessage());
      assertTrue(refused.getMessage().contains("must be auto or a number of jobs (0 or more), not " + bad), refused.getMessage());
    }
  }

  private static Config job(String setting) {
    return ConfigFactory.parseString("job." + setting);
  }
}
