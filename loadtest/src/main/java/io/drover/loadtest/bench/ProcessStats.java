package io.drover.loadtest.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a process cost, from the kernel and the JVM's own GC log: CPU seconds (user + system, from
 * {@code /proc/<pid>/stat}) and resident memory, and the heap before and after each collection
 * (from {@code -Xlog:gc} output).
 */
final class ProcessStats {

  /** Clock ticks per second of /proc's CPU counters (USER_HZ, 100 on Linux). */
  private static final double TICKS_PER_SECOND = 100.0;

  private static final Pattern GC_PAUSE = Pattern.compile("Pause (\\w+) .*?(\\d+)M->(\\d+)M\\((\\d+)M\\)");

  private ProcessStats() {}

  /** User plus system CPU seconds the process has used so far, or -1 when it is gone. */
  static double cpuSeconds(long pid) {
    // utime (14) and stime (15) of stat(5).
    return statSeconds(pid, 14);
  }

  /**
   * CPU seconds (user + system) of the process's children that have ended and been waited for,
   * or -1 when it is gone: for an agent, the job processes it ran.
   */
  static double childrenCpuSeconds(long pid) {
    // cutime (16) and cstime (17) of stat(5).
    return statSeconds(pid, 16);
  }

  /** Field {@code field} of the process's stat(5) plus the next, in seconds, or -1 when it is gone. */
  private static double statSeconds(long pid, int field) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // Split after the command, which may hold spaces: its first value, the state, is field 3.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[field - 3]) + Long.parseLong(fields[field - 2])) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException gone) {
      return -1;
    }
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

  /** CPU used by some processes over a window of the run, as average cores. */
  static final class CpuWindow {

    private final Map<String, Long> pids;
    private final Map<String, Double> startSeconds = new LinkedHashMap<>();
    private final Map<String, Double> startChildrenSeconds = new LinkedHashMap<>();
    private final double startMachineSeconds = machineBusySeconds();
    private final long startNanos = System.nanoTime();

    CpuWindow(Map<String, Long> pids) {
      this.pids = pids;
      pids.forEach((name, pid) -> {
        startSeconds.put(name, cpuSeconds(pid));
        startChildrenSeconds.put(name, childrenCpuSeconds(pid));
      });
    }

    /** Average cores each process used from the window's start until now. */
    Map<String, Double> cores() {
      double elapsed = elapsedSeconds();
      Map<String, Double> cores = new LinkedHashMap<>();
      pids.forEach((name, pid) -> cores.put(name, (cpuSeconds(pid) - startSeconds.get(name)) / elapsed));
      return cores;
    }

    /** Average cores the ended children of process {@code name} used from the window's start until now. */
    double childrenCores(String name) {
      return (childrenCpuSeconds(pids.get(name)) - startChildrenSeconds.get(name)) / elapsedSeconds();
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
