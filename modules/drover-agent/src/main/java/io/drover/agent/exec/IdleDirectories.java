package io.drover.agent.exec;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Working directories that attempts left empty, kept in the work root as {@code .idle-<n>} for the
 * next attempts to take by renaming. On ext4 creating and removing a directory cost 76 us at rest
 * here and up to a quarter of a millisecond under load (a tenth of a warm agent's CPU in a large
 * array of short jobs, most of it the kernel choosing where a new directory's inode goes); a
 * rename costs a fraction of that. Only for attempts drover-spawn starts: it makes each directory
 * its command's alone again (owner, mode 0700, no ACL) before the command runs, whatever the last
 * one set on it. A directory with anything left in it is removed as before, never kept.
 */
final class IdleDirectories {

  static final String PREFIX = ".idle-";
  private static final Logger log = LoggerFactory.getLogger(IdleDirectories.class);

  private final Path root;
  private final int max;
  private final Deque<Path> idle = new ConcurrentLinkedDeque<>();
  private final AtomicInteger count = new AtomicInteger();
  private final AtomicLong names = new AtomicLong();

  /**
   * Removes what an earlier run of the agent kept in {@code root}: drover-spawn's reset is for
   * what a command may set, and nothing else has watched those directories since.
   *
   * @param max how many to keep at most
   */
  IdleDirectories(Path root, int max) throws IOException {
    this.root = root;
    this.max = max;
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(root, PREFIX + "*")) {
      for (Path leftover : leftovers) {
        ProcessAttemptExecutor.deleteTree(leftover);
      }
    }
  }

  /**
   * Makes the directory {@code dir}: a kept one renamed, or a new one. Whatever is already at
   * {@code dir} (left by an agent that crashed during that attempt) is removed, but looked for only
   * when the rename or the creation fails, so the usual launch costs no lookup.
   */
  void take(Path dir) throws IOException {
    Path kept;
    while ((kept = idle.pollFirst()) != null) {
      count.decrementAndGet();
      try {
        moveReplacingLeftover(kept, dir);
        return;
      } catch (IOException e) {
        log.debug("cannot reuse {} for {}: {}", kept, dir, e.toString());
      }
    }
    try {
      Files.createDirectory(dir);
    } catch (FileAlreadyExistsException leftover) {
      ProcessAttemptExecutor.deleteTree(dir);
      Files.createDirectory(dir);
    }
  }

  /** A rename replaces an empty directory on its own; a leftover with something in it makes it fail. */
  private static void moveReplacingLeftover(Path kept, Path dir) throws IOException {
    try {
      Files.move(kept, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw e;
      }
      ProcessAttemptExecutor.deleteTree(dir);
      Files.move(kept, dir, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /**
   * Keeps {@code dir} for a later attempt when it is empty and fewer than the most are kept.
   *
   * @return whether it was kept; if not, it is still there for the caller to remove
   */
  boolean keep(Path dir) {
    if (count.get() >= max) {
      return false;
    }
    try {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        if (entries.iterator().hasNext()) {
          return false;
        }
      }
      Path name = root.resolve(PREFIX + names.incrementAndGet());
      Files.move(dir, name, StandardCopyOption.ATOMIC_MOVE);
      idle.addFirst(name);
      count.incrementAndGet();
      return true;
    } catch (IOException e) {
      log.debug("cannot keep {} for a later attempt: {}", dir, e.toString());
      return false;
    }
  }
}
