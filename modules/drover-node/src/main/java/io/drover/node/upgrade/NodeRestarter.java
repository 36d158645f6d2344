package io.drover.node.upgrade;

/**
 * How {@link RollingUpgrade} restarts one node with the new version. {@code ./drover upgrade} runs
 * each node's restart command from the inventory ({@code ShellRestarter}); a test plugs in its own
 * process handling.
 */
@FunctionalInterface
public interface NodeRestarter {

  /**
   * Stops the node's process with SIGTERM (an agent drains, a controller hands off its shards),
   * waits for it to exit, and starts it again with the new version. Returns once the new process is
   * started; {@link RollingUpgrade} then waits for it to be ready. Interrupted when the node's
   * timeout runs out first.
   *
   * @throws Exception when the node could not be restarted; the upgrade stops with the message
   */
  void restart(RollingUpgrade.Node node) throws Exception;
}
