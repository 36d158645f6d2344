package io.drover.node.upgrade;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./drover upgrade}: reads the inventory and runs a {@link RollingUpgrade} whose restarts are
 * the inventory's restart commands, each run with {@code DROVER_APP_VERSION} set to the version.
 * See {@code deploy/UPGRADING.md}.
 */
public final class UpgradeCommand {

  public static final String USAGE = """
      usage: ./drover upgrade --inventory FILE --version V [--timeout DURATION] [--agent-timeout DURATION]
        Restarts the controllers one at a time (the oldest last), then the agents, each with
        DROVER_APP_VERSION=V, waiting after each until it is ready again and every member is Up.
        --inventory FILE          the nodes, one a line (see deploy/UPGRADING.md):
                                  <name> <controller|agent> <management-url> <restart command...>
        --version V               the new version, pekko.cluster.app-version (e.g. 1.4.0)
        --timeout DURATION        how long a controller may take from its stop to ready (default 5m)
        --agent-timeout DURATION  the same for an agent, which drains first: at least its
                                  DROVER_DRAIN_GRACE plus its start (default 10m)
        DURATION: a whole number with ms, s, m or h, e.g. 90s, 5m, 1h.
      """;

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  /** The parsed command line. */
  record Options(Path inventory, String version, Duration timeout, Duration agentTimeout) {

    static Options parse(List<String> args) {
      Path inventory = null;
      String version = null;
      RollingUpgrade.Settings defaults = RollingUpgrade.Settings.defaults();
      Duration timeout = defaults.controllerTimeout();
      Duration agentTimeout = defaults.agentTimeout();
      for (int i = 0; i < args.size(); i++) {
        String option = args.get(i);
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException(option + " needs a value.");
        }
        String value = args.get(++i);
        switch (option) {
          case "--inventory" -> inventory = Path.of(value);
          case "--version" -> version = version(value);
          case "--timeout" -> timeout = duration(value, option);
          case "--agent-timeout" -> agentTimeout = duration(value, option);
          default -> throw new IllegalArgumentException("Unknown option " + option + ".");
        }
      }
      if (inventory == null || version == null) {
        throw new IllegalArgumentException("--inventory and --version are required.");
      }
      return new Options(inventory, version, timeout, agentTimeout);
    }

    private static String version(String value) {
      if (value.isEmpty() || value.startsWith("-") || value.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("--version must be a version such as 1.4.0, not '" + value + "'.");
      }
      return value;
    }

    static Duration duration(String value, String option) {
      Matcher matcher = DURATION.matcher(value);
      if (!matcher.matches() || Long.parseLong(matcher.group(1)) == 0) {
        throw new IllegalArgumentException(option + " must be a duration above zero such as 90s, 5m or 1h, not '" + value + "'.");
      }
      long amount = Long.parseLong(matcher.group(1));
      return switch (matcher.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofHours(amount);
      };
    }
  }

  private UpgradeCommand() {}

  /**
   * Runs the command.
   *
   * @return the exit status: 0 when every node was upgraded (or for --help), 1 when the upgrade
   *     refused to start or stopped, 2 for a wrong command line
   */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.contains("--help") || args.contains("-h")) {
      out.print(USAGE);
      return 0;
    }
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.print(USAGE);
      return 2;
    }
    try {
      if (!Files.isRegularFile(options.inventory())) {
        err.println("The inventory " + options.inventory() + " is not a file.");
        return 1;
      }
      Inventory inventory = Inventory.read(options.inventory());
      out.println("Rolling upgrade to version " + options.version() + " of the " + inventory.nodes().size() + " nodes in "
          + options.inventory() + " (timeouts: controllers " + RollingUpgrade.duration(options.timeout()) + ", agents "
          + RollingUpgrade.duration(options.agentTimeout()) + ").");
      RollingUpgrade.Settings settings = RollingUpgrade.Settings.defaults()
          .withControllerTimeout(options.timeout())
          .withAgentTimeout(options.agentTimeout());
      NodeRestarter restarter = new ShellRestarter(inventory.restartCommands(), options.version());
      new RollingUpgrade(inventory.nodes(), restarter, settings, out).run();
      return 0;
    } catch (IllegalArgumentException | UpgradeException e) {
      err.println(e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("Could not read the inventory " + options.inventory() + ": " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("The upgrade was interrupted.");
      return 1;
    }
  }
}
