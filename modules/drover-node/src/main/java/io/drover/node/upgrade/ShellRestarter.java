package io.drover.node.upgrade;

import java.io.File;
import java.io.IOException;
import java.util.Map;

/**
 * Restarts a node by running its inventory line's restart command with {@code sh -c}, with
 * {@code DROVER_APP_VERSION} set to the target version in its environment. The command's output
 * goes to this process's output; it must return only once the old process has exited and the new
 * one is started (as {@code systemctl restart} does). A non-zero exit is a failed restart; an
 * interrupt (the node's timeout) stops the command and what it started.
 */
final class ShellRestarter implements NodeRestarter {

  /** The environment variable that carries the version to {@code pekko.cluster.app-version}. */
  static final String VERSION_VARIABLE = "DROVER_APP_VERSION";

  private final Map<String, String> commands;
  private final String version;

  ShellRestarter(Map<String, String> commands, String version) {
    this.commands = Map.copyOf(commands);
    this.version = version;
  }

  @Override
  public void restart(RollingUpgrade.Node node) throws IOException, InterruptedException {
    String command = commands.get(node.name());
    if (command == null) {
      throw new IllegalArgumentException("the inventory has no restart command for " + node.name());
    }
    ProcessBuilder builder = new ProcessBuilder("sh", "-c", command)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.INHERIT)
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().put(VERSION_VARIABLE, version);
    Process process = builder.start();
    int status;
    try {
      status = process.waitFor();
    } catch (InterruptedException e) {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      throw e;
    }
    if (status != 0) {
      throw new IOException("the restart command exited with status " + status + ": " + VERSION_VARIABLE + "=" + version
          + " sh -c '" + command + "'");
    }
  }
}
