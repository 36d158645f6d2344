package io.drover.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.drover.node.cassandra.RepoRoot;
import java.nio.file.Path;
import java.util.Map;
import org.apache.pekko.util.Version;
import org.junit.jupiter.api.Test;

class AppVersionTest {

  private static final String APP_VERSION = "pekko.cluster.app-version";

  private static Path mode(String name) {
    return RepoRoot.locate().resolve("conf").resolve(name + ".conf");
  }

  @Test
  void everyModeRunsTheBuildsVersion() {
    String build = ConfigFactory.parseResources("drover-version.conf").getString(APP_VERSION);
    assertFalse(build.contains("@"), "drover-version.conf was not filtered by the build: " + build);
    assertTrue(new Version(build).compareTo(new Version("0.1.0-SNAPSHOT")) >= 0, build);
    for (String mode : new String[] {"controller", "agent", "dev"}) {
      assertEquals(build, NodeConfig.load(mode(mode), Map.of()).getString(APP_VERSION), mode);
    }
  }

  @Test
  void droverAppVersionOverridesIt() {
    // The substitution ${?DROVER_APP_VERSION} finds a root-level key before the environment variable.
    assertEquals("0.2.0", NodeConfig.load(mode("controller"), Map.of("DROVER_APP_VERSION", "0.2.0")).getString(APP_VERSION));
  }

  @Test
  void aSnapshotVersionComesBeforeItsRelease() {
    assertTrue(new Version("0.2.0-SNAPSHOT").compareTo(new Version("0.2.0")) < 0);
    assertTrue(new Version("0.2.0-SNAPSHOT").compareTo(new Version("0.1.9")) > 0);
  }
}
