package io.drover.node;

import io.drover.node.admin.AdminCommand;
import io.drover.node.admin.OperatorCommand;
import io.drover.node.cassandra.CassandraStartException;
import io.drover.node.cassandra.RepoRoot;
import io.drover.node.tls.CertsCommand;
import io.drover.node.upgrade.UpgradeCommand;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The Drover process. {@code ./drover} calls it as {@code Main <command> [options]}: {@code dev}
 * (see {@link DevMode}), {@code controller} or {@code agent} (see {@link NodeMode}),
 * {@code upgrade}, the rolling upgrade of a running cluster (see {@link UpgradeCommand}),
 * {@code admin}, users, keys and policies (see {@link AdminCommand}), {@code status},
 * {@code drain} and {@code undrain}, the operators' view of the cluster and its hosts (see
 * {@link OperatorCommand}),
 * {@code certs}, the cluster's CA and node certificates (see {@link CertsCommand}), or
 * {@code fleet}, many simulated agents in one process for load tests (see {@link FleetMode}).
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    useCommonPoolForAsyncCompletions();
    launchProcessesWithVfork();
    if (args.length == 0) {
      System.err.println("usage: Main dev|controller|agent|upgrade|admin|status|drain|undrain|certs|fleet [options]   (see ./drover help; Main fleet --help)");
      System.exit(2);
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    Path repoRoot = RepoRoot.locate();
    try {
      switch (args[0]) {
        case "dev" -> {
          DevMode.Options options = DevMode.Options.parse(rest, repoRoot);
          // Before the first logger exists: conf/logback-dev.xml writes the full log here.
          System.setProperty("drover.log.dir", options.dataDir().resolve("logs").toString());
          new DevMode(options, repoRoot, System.out).run();
        }
        case "controller", "agent" -> {
          if (!rest.isEmpty()) {
            System.err.print(NodeMode.USAGE);
            System.exit(rest.contains("--help") || rest.contains("-h") ? 0 : 2);
          }
          NodeMode.run(args[0], repoRoot, System.out);
        }
        case "upgrade" -> System.exit(UpgradeCommand.run(rest, System.out, System.err));
        case "admin" -> System.exit(AdminCommand.run(rest, System.out, System.err));
        case "status", "drain", "undrain" -> System.exit(OperatorCommand.run(args[0], rest, System.out, System.err));
        case "certs" -> System.exit(CertsCommand.run(rest, System.out, System.err));
        case "fleet" -> {
          FleetMode.Options options;
          try {
            options = FleetMode.Options.parse(rest);
          } catch (DevMode.UsageException e) {
            if (e.getMessage() != null) {
              System.err.println(e.getMessage());
            }
            System.err.print(FleetMode.Options.USAGE);
            System.exit(e.getMessage() == null ? 0 : 2);
            return;
          }
          FleetMode.run(options, repoRoot, System.out);
        }
        default -> throw new DevMode.UsageException("Unknown command " + args[0] + ".");
      }
    } catch (DevMode.UsageException e) {
      if (e.getMessage() != null) {
        System.err.println(e.getMessage());
      }
      System.err.print(DevMode.Options.USAGE);
      System.exit(e.getMessage() == null ? 0 : 2);
    } catch (IllegalArgumentException e) {
      // A setting is missing or wrong: the message says which and what to do.
      System.err.println("Drover did not start: " + e.getMessage());
      System.exit(1);
    } catch (CassandraStartException e) {
      System.err.println("Cassandra did not start: " + e.getMessage());
      System.exit(1);
    } catch (Exception e) {
      System.err.println("Drover did not start: " + e.getMessage());
      e.printStackTrace(System.err);
      System.exit(1);
    }
  }

  /**
   * On a machine with two cores the JDK's common pool has one thread, and CompletableFuture then runs
   * every async stage that names no executor (libraries Drover uses have some on the journal's
   * write path) on a thread of its own, started for it: about a thousand threads a minute under
   * load, and most of the CPU. Two threads or more make those stages use the pool. Must run before
   * anything touches the common pool; an explicit setting wins.
   */
  private static void useCommonPoolForAsyncCompletions() {
    System.getProperties().putIfAbsent("java.util.concurrent.ForkJoinPool.common.parallelism",
        Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors() - 1)));
  }

  /**
   * The process executor starts every job command with a new process. On Linux the JDK 17 default,
   * posix_spawn through its jspawnhelper, execs twice per start; in an agent under load that took
   * 13 ms of a job's 64 ms from SubmitJob to its process running ({@code ./drover bench latency}),
   * where vfork, the JDK's own mechanism before posix_spawn, execs once. Must run before the first
   * process starts; an explicit setting wins.
   */
  private static void launchProcessesWithVfork() {
    if ("Linux".equals(System.getProperty("os.name"))) {
      System.getProperties().putIfAbsent("jdk.lang.Process.launchMechanism", "VFORK");
    }
  }
}
