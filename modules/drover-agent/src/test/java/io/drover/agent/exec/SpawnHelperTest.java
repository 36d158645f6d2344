package io.drover.agent.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * drover-spawn as the build compiled it: written out, then run directly. How the process executor
 * uses it is {@link ProcessAttemptExecutorTest}'s part.
 */
class SpawnHelperTest {

  @TempDir Path dir;
  private Path helper;

  @BeforeEach
  void install() {
    assertNotNull(SpawnHelper.class.getResource(SpawnHelper.RESOURCE),
        "the build compiles drover-spawn where gcc is, and the build machine has gcc");
    helper = SpawnHelper.install(dir);
  }

  @Test
  void installWritesAnExecutableOnlyItsOwnerMayUseAndReplacesAnOlderCopy() throws Exception {
    assertEquals(dir.resolve(".drover-spawn"), helper);
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(helper)));

    Files.writeString(helper, "an older copy");
    assertEquals(helper, SpawnHelper.install(dir));
    assertEquals(new Result(0, "drover-spawn 1\n"), run("--version"));
    try (var left = Files.list(dir)) {
      assertEquals(List.of(helper), left.toList());
    }
  }

  @Test
  void theCommandLeadsASessionAndProcessGroupOfItsOwn() throws Exception {
    Result result = run("--", "sh", "-c", "cut -d' ' -f1,5,6 /proc/$$/stat");

    assertEquals(0, result.exitCode());
    String[] pidGroupSession = result.output().trim().split(" ");
    assertEquals(pidGroupSession[0], pidGroupSession[1], result.output());
    assertEquals(pidGroupSession[0], pidGroupSession[2], result.output());
  }

  @Test
  void asRootTheCommandRunsAsTheUserWithExactlyTheGroupsGivenAndNoNewPrivileges() throws Exception {
    assumeTrue(ProcessHandle.current().info().user().map("root"::equals).orElse(false), "only root can switch users");
    Result result = run("--user", "65534:65534:5,100", "--", "sh", "-c",
        "id -u; id -g; id -G; grep -E '^(CapEff|NoNewPrivs):' /proc/self/status");

    assertEquals(new Result(0, "65534\n65534\n65534 5 100\nCapEff:\t0000000000000000\nNoNewPrivs:\t1\n"), result);
  }

  @Test
  void refusesRootAndIdsThatAreNotNumbersBeforeRunningAnything() throws Exception {
    String usage = "usage: drover-spawn [--user UID:GID:[GROUP[,GROUP...]]] -- COMMAND [ARGUMENT...]\n";
    assertEquals(new Result(126, "drover-spawn: --user: refusing to run a job command as root (uid 0)\n" + usage),
        run("--user", "0:0:", "--", "touch", "ran"));
    assertEquals(new Result(126, "drover-spawn: --user: the user id is not a number\n" + usage),
        run("--user", "nobody:65534:", "--", "touch", "ran"));
    assertEquals(new Result(126, "drover-spawn: --user: the user id is not a number\n" + usage),
        run("--user", "4294967295:65534:", "--", "touch", "ran"));
    assertEquals(new Result(126, "drover-spawn: --user: the group id is not a number\n" + usage),
        run("--user", "65534:-1:", "--", "touch", "ran"));
    assertEquals(new Result(126, "drover-spawn: --user: the groups end with a comma\n" + usage),
        run("--user", "65534:65534:5,", "--", "touch", "ran"));
    assertEquals(new Result(126, "drover-spawn: expected -- and a command\n" + usage), run("touch", "ran"));
    assertEquals(new Result(126, "drover-spawn: expected -- and a command\n" + usage), run("--"));
    assertEquals(List.of(helper), Files.list(dir).toList());
  }

  @Test
  void aCommandThatCannotRunExits127SayingWhy() throws Exception {
    assertEquals(new Result(127, "drover-spawn: cannot run drover-no-such-command: No such file or directory\n"),
        run("--", "drover-no-such-command"));
  }

  @Test
  void theCommandPrefixNamesTheUsersIdsAndGroupsUpToWhatTheHelperTakes() {
    assertEquals(List.of(helper.toString(), "--"),
        SpawnHelper.commandPrefix(helper, new ProcessUser("drover", 1000, 1000, List.of(), false)));
    assertEquals(List.of(helper.toString(), "--user", "65534:65534:", "--"),
        SpawnHelper.commandPrefix(helper, new ProcessUser("nobody", 65534, 65534, List.of(), true)));
    assertEquals(List.of(helper.toString(), "--user", "1001:1001:5,100", "--"),
        SpawnHelper.commandPrefix(helper, new ProcessUser("jobs", 1001, 1001, List.of(5, 100), true)));

    List<Integer> tooMany = IntStream.range(0, SpawnHelper.MAX_GROUPS + 1).map(group -> group + 2000).boxed().toList();
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> SpawnHelper.commandPrefix(helper, new ProcessUser("jobs", 1001, 1001, tooMany, true)));
    assertEquals("jobs belongs to 1025 supplementary groups, more than the 1024 it takes", refused.getMessage());
  }

  private record Result(int exitCode, String output) {}

  private Result run(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(helper.toString()));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(true, process.waitFor(10, TimeUnit.SECONDS), "drover-spawn answers within 10 s");
    return new Result(process.exitValue(), output);
  }
}
