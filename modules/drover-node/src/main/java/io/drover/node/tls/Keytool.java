package io.drover.node.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the JDK's {@code keytool} ({@code ${java.home}/bin/keytool}) and fails with its output when it fails. */
final class Keytool {

  private static final long TIMEOUT_SECONDS = 60;

  private final Path executable = Path.of(System.getProperty("java.home"), "bin", "keytool");

  /** Runs keytool with these arguments; passwords must be given as files ({@code -storepass:file}). */
  void run(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    // A short-lived JVM: C1 only and the serial collector start it about a third faster.
    command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("keytool " + args[0] + " did not finish within " + TIMEOUT_SECONDS + " s");
      }
      if (process.exitValue() != 0) {
        throw new IOException("keytool " + args[0] + " failed (exit " + process.exitValue() + "): " + output);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while keytool " + args[0] + " ran", e);
    }
  }
}
