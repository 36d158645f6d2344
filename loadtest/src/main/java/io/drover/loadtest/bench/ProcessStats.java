package io.drover.loadtest.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a process cost, from the kernel and the JVM's own GC log: CPU seconds (user + system, from
 * {@code /proc/<pid>/stat}), the share of them its JIT compiler threads used, resident memory, and
 * the heap before and after each collection (from {@code -Xlog:gc} output).
 */
final class ProcessStats {

  /** Clock ticks per second of /proc's CPU counters (USER_HZ, 100 on Linux). */
  private static final double TICKS_PER_SECOND = 100.0;

  /**
   * HotSpot's compiler threads, as the kernel names them (15 characters at most): "C1 CompilerThread0"
   * and "C2 CompilerThread0" become "C1 CompilerThre" and "C2 CompilerThre".
   */
  private static final List<String> COMPILER_THREADS = List.of("C1 CompilerThre", "C2 CompilerThre");

  private static final Pattern GC_PAUSE = Pattern.compile("Pause (\\w+) .*?(\\d+)M->(\\d+)M\\((\\d+)M\\)");

  private ProcessStats() {}

  /** User plus system CPU seconds the process has used so far, or -1 when it is gone. */
  static double cpuSeconds(long pid) {
    // utime (14) and stime (15) of stat(5).
    return statSeconds(pid, 14);
  }

  /**
   * CPU seconds (user + system) of the process's descendants, or -1 when it is gone: its children
   * that have ended and been waited for, and of those still running, what they used and what their
   * own ended children used. For an agent, the job processes it ran, whether it forked and reaped
   * them itself or drover-spawn, its child, did.
   */
  static double descendantsCpuSeconds(long pid) {
    // cutime (16) and cstime (17) of stat(5).
    double ended = statSeconds(pid, 16);
    if (ended < 0) {
      return -1;
    }
    double running = ProcessHandle.of(pid).stream().flatMap(ProcessHandle::children)
        .mapToDouble(child -> ownAndEndedChildrenSeconds(child.pid()))
        .sum();
    return ended + running;
  }

  /** utime + stime and cutime + cstime of one stat(5) read; 0 when the process is gone. */
  private static double ownAndEndedChildrenSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return statSeconds(stat, 14) + statSeconds(stat, 16);
    } catch (IOException | RuntimeException gone) {
      return 0;
    }
  }

  /**
   * User plus system CPU seconds each of the JVM's JIT compiler threads has used so far, by thread
   * id; empty when the process is gone. The JVM starts and stops compiler threads with the compile
   * queue's length (on two cores in tiered mode it runs one C1 and one C2 thread, which never stop);
   * a stopped thread's seconds are no longer listed.
   */
  static Map<Long, Double> compilerCpuSeconds(long pid) {
    Map<Long, Double> threads = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          if (COMPILER_THREADS.contains(name)) {
            threads.put(Long.parseLong(task.getFileName().toString()), statSeconds(stat, 14));
          }
        } catch (IOException threadEnded) {
          // The thread ended between listing and reading: its seconds are gone with it.
        }
      }
    } catch (IOException | RuntimeException gone) {
      return Map.of();
    }
    return threads;
  }

  /** Field {@code field} of the process's stat(5) plus the next, in seconds, or -1 when it is gone. */
  private static double statSeconds(long pid, int field) {
    try {
      return statSeconds(Files.readString(Path.of("/proc", Long.toString(pid), "stat")), field);
    } catch (IOException | RuntimeException gone) {
      return -1;
    }
  }

  /** Field {@code field} of a stat(5) line plus the next, in seconds. */
  private static double statSeconds(String stat, int field) {
    // Split after the command, which may hold spaces: its first value, the state, is field 3.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[field - 3]) + Long.parseLong(fields[field - 2])) / TICKS_PER_SECOND;
  }

  /** CPU seconds the whole machine has spent busy (every state but idle and iowait), from /proc/stat. */
  static double machineBusySeconds() {
    try {
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i < fields.length; i++) {
        // After the "cpu" label: user nice system idle iowait irq softirq steal guest guest_nice;
        // guest time is already counted in user.
        if (i != 4 && i != 5 && i < 9) {
          busy += Long.parseLong(fields[i]);
        }
      }
      return busy / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException unreadable) {
      return -1;
    }
  }

  /** Resident set size in MiB, or -1 when the process is gone. */
  static long rssMib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
      return -1;
    } catch (IOException | RuntimeException gone) {
      return -1;
    }
  }

  /**
   * Heap use seen in a GC log, in MiB: the most used before any pause, and the most left after a
   * pause that evacuates (G1's young, mixed and full collections). Remark and cleanup pauses free
   * no young regions, so what they leave would count garbage as if it were live.
   */
  record Heap(long peakMib, long maxAfterGcMib, long committedMib, int pauses) {

    static Heap from(Path gcLog) throws IOException {
      long peak = 0;
      long after = 0;
      long committed = 0;
      int pauses = 0;
      List<String> lines = Files.exists(gcLog) ? Files.readAllLines(gcLog) : List.of();
      for (String line : lines) {
        Matcher m = GC_PAUSE.matcher(line);
        if (m.find()) {
          pauses++;
          peak = Math.max(peak, Long.parseLong(m.group(2)));
          if (m.group(1).equals("Young") || m.group(1).equals("Full")) {
            after = Math.max(after, Long.parseLong(m.group(3)));
          }
          committed = Math.max(committed, Long.parseLong(m.group(4)));
        }
      }
      return new Heap(peak, after, committed, pauses);
    }
  }

  /**
   * Average cores a JVM used over a window, and how many of them its JIT compiler threads took:
   * the compilers' share is warm-up that a node running for days has long finished.
   */
  record Cores(double total, double compilers) {

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%.2f cores, JIT compilers %.2f", total, compilers);
    }
  }

  /** CPU used by some processes over a window of the run, as average cores. */
  static final class CpuWindow {

    private final Map<String, Long> pids;
    private final Map<String, Double> startSeconds = new LinkedHashMap<>();
    private final Map<String, Double> startDescendantsSeconds = new LinkedHashMap<>();
    private final Map<String, Map<Long, Double>> startCompilerSeconds = new LinkedHashMap<>();
    private final double startMachineSeconds = machineBusySeconds();
    private final long startNanos = System.nanoTime();

    CpuWindow(Map<String, Long> pids) {
      this.pids = pids;
      pids.forEach((name, pid) -> {
        startSeconds.put(name, cpuSeconds(pid));
        startDescendantsSeconds.put(name, descendantsCpuSeconds(pid));
        startCompilerSeconds.put(name, compilerCpuSeconds(pid));
      });
    }

    /**
     * Average cores each process used from the window's start until now, and its JIT compilers'
     * share of them: what each compiler thread alive now used since the start (a thread the JVM
     * stopped in between takes its part with it, so the share is a lower bound).
     */
    Map<String, Cores> cores() {
      double elapsed = elapsedSeconds();
      Map<String, Cores> cores = new LinkedHashMap<>();
      pids.forEach((name, pid) -> {
        Map<Long, Double> before = startCompilerSeconds.get(name);
        double compilers = 0;
        for (Map.Entry<Long, Double> thread : compilerCpuSeconds(pid).entrySet()) {
          compilers += thread.getValue() - before.getOrDefault(thread.getKey(), 0.0);
        }
        cores.put(name, new Cores((cpuSeconds(pid) - startSeconds.get(name)) / elapsed, compilers / elapsed));
      });
      return cores;
    }

    /** Average cores the descendants of process {@code name} used from the window's start until now. */
    double descendantsCores(String name) {
      return (descendantsCpuSeconds(pids.get(name)) - startDescendantsSeconds.get(name)) / elapsedSeconds();
    }

    /** Average cores the whole machine was busy from the window's start until now. */
    double machineCores() {
      return (machineBusySeconds() - startMachineSeconds) / elapsedSeconds();
    }

    private double elapsedSeconds() {
      return (System.nanoTime() - startNanos) / 1e9;
    }
  }
}
