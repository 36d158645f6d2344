package io.drover.agent.exec;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code drover-spawn --serve} process ({@code src/main/c/drover-spawn.c} describes its
 * protocol): it forks every job command itself, gives it a session of its own and, when the agent
 * runs as root, the run-as user, forwards its output and reports its exit. The agent keeps one for
 * all attempts, so starting a command costs one fork of a small process and the command's own exec,
 * and no JVM thread waits on each process or reads its pipes: one thread here reads everything.
 *
 * <p>Commands it has started hear about their start, output and exit through their {@link
 * Listener}, on that reader thread and in order. When the process ends while commands run (it
 * crashed, or was killed), each of them is told it is {@link Listener#lost lost}; when the agent
 * closes it, the server kills every command's process group and reports their exits first.
 */
final class SpawnServer implements AutoCloseable {

  static final int SIGKILL = 9;
  static final int SIGTERM = 15;
  private static final String VERSION = "drover-spawn 2";
  /** The longest request drover-spawn reads (its {@code MAX_FRAME}). */
  private static final int MAX_REQUEST = 16 * 1024 * 1024;
  private static final long START_TIMEOUT_SECONDS = 30;
  private static final Logger log = LoggerFactory.getLogger(SpawnServer.class);

  /** What happens to a started command; called on the server's reader thread, never concurrently. */
  interface Listener {

    /** The command runs; heard before anything else of it, and before {@link #launch} returns. */
    void started(Started started);

    void output(OutputStream stream, byte[] data);

    /** The command exited with {@code code} (128 + N for signal N) and its output has all been delivered. */
    void exited(int code);

    /** The server ended while the command ran: nothing more will be heard of it. */
    void lost(IOException cause);
  }

  /** A command that runs. */
  record Started(long id, long pid) {}

  /** drover-spawn did not start a command: {@code message} names the step that failed and why. */
  static final class Refused extends Exception {

    static final int ENOENT = 2;
    static final int EACCES = 13;
    static final int ENOTDIR = 20;

    private final int errno;

    /** @param message {@code <step>: <why>} */
    Refused(int errno, String message) {
      super(message);
      this.errno = errno;
    }

    /** Whether the command itself could not be found or run by its user (execvp's own failures). */
    boolean notExecutable() {
      return getMessage().startsWith("exec: ") && (errno == ENOENT || errno == EACCES || errno == ENOTDIR);
    }
  }

  private record Command(CompletableFuture<Started> started, Listener listener) {}

  private final Process process;
  private final DataOutputStream requests;
  private final Map<Long, Command> commands = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private volatile boolean closed;
  private volatile boolean ended;

  private SpawnServer(Process process) {
    this.process = process;
    this.requests = new DataOutputStream(process.getOutputStream());
  }

  /**
   * Starts {@code helper --serve} and waits for its greeting.
   *
   * @throws IllegalStateException saying why it cannot be used
   */
  static SpawnServer start(Path helper) {
    Process process;
    try {
      process = new ProcessBuilder(helper.toString(), "--serve")
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + helper + " --serve: " + e.getMessage(), e);
    }
    SpawnServer server = new SpawnServer(process);
    DataInputStream answers = new DataInputStream(new BufferedInputStream(process.getInputStream(), 64 * 1024));
    try {
      String greeting = server.readGreeting(answers);
      if (!greeting.equals(VERSION)) {
        throw new IOException("it greeted with '" + greeting + "', not '" + VERSION + "'");
      }
    } catch (IOException e) {
      process.destroyForcibly();
      throw new IllegalStateException(helper + " --serve does not speak the agent's protocol: " + e.getMessage(), e);
    }
    Thread reader = new Thread(() -> server.read(answers), "drover-spawn-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
    return server;
  }

  /** Whether it still takes requests. */
  boolean running() {
    return !ended && !closed;
  }

  long pid() {
    return process.pid();
  }

  /**
   * Starts {@code command} in {@code workDir} with exactly {@code environment}, as {@code user}
   * when it is {@link ProcessUser#switched() switched}.
   *
   * @throws Refused when drover-spawn could not start it, saying why
   * @throws IOException when the server is gone or did not answer
   */
  Started launch(Path workDir, List<String> command, Map<String, String> environment, ProcessUser user,
      Listener listener) throws Refused, IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    DataOutputStream request = new DataOutputStream(bytes);
    long id = ids.incrementAndGet();
    request.writeByte('L');
    request.writeLong(id);
    request.writeByte(user.switched() ? 1 : 0);
    request.writeInt(user.uid());
    request.writeInt(user.gid());
    List<Integer> groups = user.switched() ? user.supplementaryGroups() : List.of();
    request.writeInt(groups.size());
    for (int group : groups) {
      request.writeInt(group);
    }
    writeString(request, workDir.toString());
    request.writeInt(command.size());
    for (String argument : command) {
      writeString(request, argument);
    }
    request.writeInt(environment.size());
    for (Map.Entry<String, String> variable : environment.entrySet()) {
      writeString(request, variable.getKey() + "=" + variable.getValue());
    }
    if (bytes.size() > MAX_REQUEST) {
      throw new Refused(0, "sending the command: its arguments and environment take " + bytes.size()
          + " bytes, more than the " + MAX_REQUEST + " drover-spawn takes");
    }
    Command pending = new Command(new CompletableFuture<>(), listener);
    commands.put(id, pending);
    try {
      send(bytes.toByteArray());
      return pending.started().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      commands.remove(id);
      if (e.getCause() instanceof Refused refused) {
        throw refused;
      }
      throw new IOException("drover-spawn ended before it answered: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      abandon(id);
      throw new IOException("drover-spawn did not answer within " + START_TIMEOUT_SECONDS + " s", e);
    } catch (InterruptedException e) {
      abandon(id);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting the command", e);
    } catch (IOException e) {
      commands.remove(id);
      throw e;
    }
  }

  /**
   * Forgets a command whose start was not waited for, and kills it should it start after all:
   * drover-spawn carries out requests in order, so the kill follows the launch.
   */
  private void abandon(long id) {
    commands.remove(id);
    try {
      signal(id, SIGKILL);
    } catch (IOException e) {
      log.debug("could not kill abandoned command {}: {}", id, e.toString());
    }
  }

  /** Sends {@code signal} to command {@code id}'s process group; nothing once it has exited. */
  void signal(long id, int signal) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(13);
    DataOutputStream request = new DataOutputStream(bytes);
    request.writeByte('K');
    request.writeLong(id);
    request.writeInt(signal);
    send(bytes.toByteArray());
  }

  /**
   * Ends the server: it kills every command's process group and reports their exits to their
   * listeners before it exits.
   */
  @Override
  public void close() {
    closed = true;
    synchronized (requests) {
      try {
        requests.close();
      } catch (IOException e) {
        log.debug("closing drover-spawn's input: {}", e.toString());
      }
    }
  }

  private void send(byte[] request) throws IOException {
    synchronized (requests) {
      if (closed) {
        throw new IOException("drover-spawn is closed");
      }
      requests.writeInt(request.length);
      requests.write(request);
      requests.flush();
    }
  }

  private static void writeString(DataOutputStream out, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private String readGreeting(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 5 || in.readByte() != 'H') {
      throw new IOException("its first answer is no greeting");
    }
    return readString(in, length - 1);
  }

  private static String readString(DataInputStream in, int available) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > available - 4) {
      throw new IOException("an answer holds a string longer than itself");
    }
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  private void read(DataInputStream in) {
    IOException cause;
    try {
      while (true) {
        int length = in.readInt();
        int type = in.readByte();
        if (type == 'E') {
          throw new IOException("it refused a request: " + readString(in, length - 1));
        }
        int rest = length - 9;
        if (rest < (type == 'O' ? 1 : 4)) {
          throw new IOException("it sent an answer of type " + type + " that is too short (" + length + " bytes)");
        }
        long id = in.readLong();
        Command command = commands.get(id);
        switch (type) {
          case 'S' -> {
            long pid = in.readInt() & 0xFFFFFFFFL;
            if (command != null) {
              Started started = new Started(id, pid);
              command.listener().started(started);
              command.started().complete(started);
            }
          }
          case 'F' -> {
            int errno = in.readInt();
            String message = readString(in, rest - 4);
            commands.remove(id);
            if (command != null) {
              command.started().completeExceptionally(new Refused(errno, message));
            }
          }
          case 'O' -> {
            int stream = in.readByte();
            byte[] data = in.readNBytes(rest - 1);
            if (command != null) {
              command.listener().output(stream == 1 ? OutputStream.STDOUT : OutputStream.STDERR, data);
            }
          }
          case 'X' -> {
            int code = in.readInt();
            commands.remove(id);
            if (command != null) {
              command.listener().exited(code);
            }
          }
          default -> throw new IOException("it sent an answer of unknown type " + type);
        }
      }
    } catch (EOFException e) {
      cause = new IOException("drover-spawn (pid " + process.pid() + ") exited" + exitCode());
    } catch (IOException | RuntimeException e) {
      cause = new IOException("reading drover-spawn (pid " + process.pid() + "): " + e.getMessage(), e);
      process.destroyForcibly();
    }
    ended = true;
    if (!closed) {
      log.error("{} while {} job commands ran: they are ended as lost, and the next attempt starts a new drover-spawn. "
          + "Its standard error, in the agent's, may say why.", cause.getMessage(), commands.size());
    } else if (!commands.isEmpty()) {
      log.warn("{} before it reported the exits of {} job commands it killed", cause.getMessage(), commands.size());
    }
    for (Long id : List.copyOf(commands.keySet())) {
      Command command = commands.remove(id);
      if (command != null && !command.started().completeExceptionally(cause)) {
        command.listener().lost(cause);
      }
    }
  }

  private String exitCode() {
    try {
      return process.waitFor(5, TimeUnit.SECONDS) ? " with code " + process.exitValue() : "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
