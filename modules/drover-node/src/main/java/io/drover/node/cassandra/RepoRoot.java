package io.drover.node.cassandra;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the Drover checkout that holds {@code conf/cassandra} and the built Cassandra classpath.
 *
 * <p>The system property {@code drover.repo.root} wins when set (the Maven build and the launcher
 * set it); otherwise the directories above the working directory are searched.
 */
public final class RepoRoot {

  /** The system property that names the repository root explicitly. */
  public static final String PROPERTY = "drover.repo.root";

  private RepoRoot() {
  }

  /**
   * Returns the repository root.
   *
   * @throws IllegalStateException if neither the property nor a parent of the working directory
   *     leads to a directory containing {@code conf/cassandra}
   */
  public static Path locate() {
    String configured = System.getProperty(PROPERTY, "").trim();
    if (!configured.isEmpty()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    Path cwd = Path.of("").toAbsolutePath().normalize();
    for (Path dir = cwd; dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve(CassandraNode.Settings.CONF_DIR))) {
        return dir;
      }
    }
    throw new IllegalStateException("Cannot find the Drover repository root (a directory containing "
        + CassandraNode.Settings.CONF_DIR + ") at or above " + cwd
        + ". Run from inside the checkout, or name it with --repo-root DIR or -D" + PROPERTY + "=DIR.");
  }
}
