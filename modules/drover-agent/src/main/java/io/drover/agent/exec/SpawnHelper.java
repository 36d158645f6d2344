package io.drover.agent.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * Installs {@code drover-spawn}, the small static program ({@code src/main/c/drover-spawn.c}) that
 * starts the process executor's job commands: the agent runs it once ({@link SpawnServer}) and it
 * forks every command, gives it a session of its own and, when the agent runs as root, drops it to
 * the run-as user with no_new_privs, which {@code setsid} and {@code setpriv} did in two execs of
 * their own after the agent's fork. On the machines measured an exec costs 3-6 ms of CPU at rest,
 * and in a large array of short jobs the jobs' processes took a third of the machine.
 *
 * <p>The build compiles it into the agent's jar wherever gcc is, for the architecture it builds on,
 * and links it statically: no dynamic loader runs in it, so nothing in a job's environment can act
 * on it while it is root. The agent writes it into the work root (which only root can write when
 * the agent runs as root) and checks that it runs there before using it.
 */
final class SpawnHelper {

  static final String FILE_NAME = ".drover-spawn";
  static final String RESOURCE = "drover-spawn-" + System.getProperty("os.arch");
  /** How many supplementary groups drover-spawn takes (its {@code MAX_GROUPS}). */
  static final int MAX_GROUPS = 1024;
  private static final String VERSION = "drover-spawn 2";

  private SpawnHelper() {}

  /**
   * Writes the helper into {@code dir} (replacing an older copy) and checks that it runs.
   *
   * @return its path
   * @throws IllegalStateException saying why it cannot be used: not built into this jar, or it
   *     does not run from {@code dir}
   */
  static Path install(Path dir) {
    Path helper = dir.resolve(FILE_NAME);
    try (InputStream in = SpawnHelper.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("this build has no " + RESOURCE + " (it was built without gcc, or for another "
            + "architecture)");
      }
      Files.createDirectories(dir);
      Path copy = Files.createTempFile(dir, FILE_NAME, ".new", PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rwx------")));
      try {
        try (OutputStream out = Files.newOutputStream(copy)) {
          in.transferTo(out);
        }
        Files.move(copy, helper, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(copy);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot write it to " + helper + ": " + e, e);
    }
    check(helper);
    return helper;
  }

  /**
   * Checks that drover-spawn can give {@code user}'s commands all of the user's groups.
   *
   * @throws IllegalStateException when the user has more supplementary groups than drover-spawn takes
   */
  static void checkGroups(ProcessUser user) {
    if (user.switched() && user.supplementaryGroups().size() > MAX_GROUPS) {
      throw new IllegalStateException(user.name() + " belongs to " + user.supplementaryGroups().size()
          + " supplementary groups, more than the " + MAX_GROUPS + " it takes");
    }
  }

  private static void check(Path helper) {
    String answer;
    try {
      Process process = new ProcessBuilder(helper.toString(), "--version").redirectErrorStream(true).start();
      process.getOutputStream().close();
      answer = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(helper + " --version did not answer within 10 s");
      }
    } catch (IOException e) {
      throw new IllegalStateException("it does not run from " + helper + " (" + e.getMessage() + "): is the work "
          + "root on a file system mounted noexec?", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking " + helper, e);
    }
    if (!answer.equals(VERSION)) {
      throw new IllegalStateException(helper + " --version answered '" + answer + "', not '" + VERSION + "'");
    }
  }
}
