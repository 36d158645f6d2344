package io.drover.agent.exec;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How {@link ProcessAttemptExecutor} runs commands on this host.
 *
 * @param workDir where each attempt gets its working directory
 * @param runAsUser the user job commands run as when the agent runs as root; never root itself
 * @param spawnHelper whether commands start through drover-spawn where it can be used, rather
 *     than setsid and setpriv
 */
public record ProcessSettings(Path workDir, String runAsUser, boolean spawnHelper) {

  public ProcessSettings {
    Objects.requireNonNull(workDir, "workDir");
    Objects.requireNonNull(runAsUser, "runAsUser");
  }
}
