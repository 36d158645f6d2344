package io.drover.agent.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The user the process executor runs job commands as, and the command prefix that gets them there.
 *
 * <p>An agent running as root never runs a job command as root: it starts each one as {@code
 * drover.agent.process.run-as-user}, with that user's groups (or none besides its own group) and
 * {@code no_new_privs}, so setuid binaries and file capabilities give the job nothing more; through
 * {@link SpawnHelper drover-spawn}, or else util-linux's {@code setpriv}. An agent running as any
 * other user cannot switch users and runs commands as itself.
 *
 * @param name the user's name
 * @param uid its user id, never 0 when {@code switched}
 * @param gid its primary group id
 * @param supplementaryGroups the ids of the groups it belongs to besides {@code gid}
 * @param switched whether commands start as this user rather than the agent's (the agent runs as root)
 */
record ProcessUser(String name, int uid, int gid, List<Integer> supplementaryGroups, boolean switched) {

  static final String SETTING = "drover.agent.process.run-as-user";
  static final Path SETPRIV = Path.of("/usr/bin/setpriv");
  private static final Path ID = Path.of("/usr/bin/id");

  /**
   * The user commands run as: {@code runAsUser} when this process runs as root (which it refuses
   * when that user does not exist or is root), else this process's own.
   */
  static ProcessUser resolve(String runAsUser) {
    int agentUid = Integer.parseInt(id("-u"));
    if (agentUid != 0) {
      String name = id("-un");
      return new ProcessUser(name == null ? "uid " + agentUid : name, agentUid, Integer.parseInt(id("-g")), List.of(),
          false);
    }
    if (runAsUser.isBlank()) {
      throw new IllegalStateException(SETTING + " is empty, and the agent runs as root: name the unprivileged user "
          + "the process executor runs job commands as, such as nobody.");
    }
    String uid = id("-u", "--", runAsUser);
    if (uid == null) {
      throw new IllegalStateException(SETTING + " is '" + runAsUser + "', which is not a user on this host. The agent "
          + "runs as root and starts job commands as that user: create it (useradd --system --no-create-home --shell "
          + "/usr/sbin/nologin " + runAsUser + ") or name an existing unprivileged user, such as nobody.");
    }
    if (Integer.parseInt(uid) == 0) {
      throw new IllegalStateException(SETTING + " is '" + runAsUser + "', which is root (uid 0): Drover never runs "
          + "job commands as root. Name an unprivileged user, such as nobody.");
    }
    int gid = Integer.parseInt(id("-g", "--", runAsUser));
    List<Integer> supplementary = Arrays.stream(id("-G", "--", runAsUser).split("\\s+"))
        .map(Integer::valueOf).filter(group -> group != gid).distinct().toList();
    return new ProcessUser(runAsUser, Integer.parseInt(uid), gid, supplementary, true);
  }

  /**
   * What goes before a job's command when it does not start through drover-spawn: {@code setpriv}
   * and its options when switching; else nothing.
   *
   * @throws IllegalStateException when switching and {@code setpriv} is missing, saying what to do
   */
  List<String> setprivPrefix() {
    if (!switched) {
      return List.of();
    }
    if (!Files.isExecutable(SETPRIV)) {
      throw new IllegalStateException("The agent runs as root and starts job commands as " + SETTING + " ('" + name
          + "') through util-linux's setpriv when drover-spawn cannot be used, and setpriv is not at " + SETPRIV
          + ": install util-linux, or run the agent as an unprivileged user (job commands then run as that user).");
    }
    return List.of(SETPRIV.toString(), "--reuid=" + uid, "--regid=" + gid,
        supplementaryGroups.isEmpty() ? "--clear-groups" : "--init-groups", "--no-new-privs", "--");
  }

  /**
   * Whether this user may run {@code file}: a regular file that the permission bits of the file
   * and of every directory on its real path let this user execute and reach, as exec decides (ACLs
   * are not read). When commands run as the agent's own user, the JVM answers for it.
   */
  boolean mayExecute(Path file) {
    if (!Files.isRegularFile(file)) {
      return false;
    }
    if (!switched) {
      return Files.isExecutable(file);
    }
    try {
      Path real = file.toRealPath();
      for (Path path = real; path != null; path = path.getParent()) {
        if (!permitsExecute(path)) {
          return false;
        }
      }
      return true;
    } catch (IOException | UnsupportedOperationException unreadable) {
      return false;
    }
  }

  /** Whether the execute (search, for a directory) bit of the class this user falls in is set. */
  private boolean permitsExecute(Path path) throws IOException {
    Map<String, Object> attributes = Files.readAttributes(path, "unix:mode,uid,gid");
    int mode = (Integer) attributes.get("mode");
    int owner = (Integer) attributes.get("uid");
    int group = (Integer) attributes.get("gid");
    if (owner == uid) {
      return (mode & 0100) != 0;
    }
    if (group == gid || supplementaryGroups.contains(group)) {
      return (mode & 0010) != 0;
    }
    return (mode & 0001) != 0;
  }

  /** What {@code id} prints for the arguments, trimmed; null when it fails (no such user). */
  private static String id(String... arguments) {
    String[] command = new String[arguments.length + 1];
    command[0] = ID.toString();
    System.arraycopy(arguments, 0, command, 1, arguments.length);
    try {
      Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(ID + " " + String.join(" ", arguments) + " did not answer within 10 s");
      }
      return process.exitValue() == 0 ? output : null;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + ID + " to find the user job commands run as: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while looking up the user job commands run as", e);
    }
  }
}
