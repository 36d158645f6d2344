package io.drover.node.cassandra;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The last lines of a log file, for start-failure messages. */
final class LogTail {

  private static final int MAX_BYTES = 64 * 1024;

  private LogTail() {
  }

  /** Returns a block titled with the file name and holding its last {@code lines} lines. */
  static String of(Path file, int lines) {
    if (!Files.isRegularFile(file)) {
      return "--- " + file + ": (not written)\n";
    }
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      int size = (int) Math.min(length, MAX_BYTES);
      byte[] bytes = new byte[size];
      in.seek(length - size);
      in.readFully(bytes);
      List<String> all = new String(bytes, StandardCharsets.UTF_8).lines().toList();
      List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
      return "--- last " + last.size() + " lines of " + file + ":\n" + String.join("\n", last) + "\n";
    } catch (IOException e) {
      return "--- " + file + ": (unreadable: " + e.getMessage() + ")\n";
    }
  }
}
