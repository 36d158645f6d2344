package io.drover.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a benchmark run reports: percentiles, the heap from a GC log, the summary and its plots. */
class ReportingTest {

  @TempDir
  Path dir;

  @Test
  void percentilesAreNearestRank() {
    Stats stats = new Stats(IntStream.rangeClosed(1, 200).boxed().toList());
    assertEquals(100, stats.percentile(50));
    assertEquals(198, stats.percentile(99));
    assertEquals(200, stats.max());
    assertEquals(1, stats.percentile(0));
    assertTrue(Double.isNaN(new Stats(List.of()).percentile(50)));
  }

  @Test
  void eventsPerSecondCountEverySecondUpToTheLastEvent() {
    List<double[]> points = Report.perSecond(List.of(1_000L, 1_400L, 3_999L), 1_000L);
    assertEquals(3, points.size());
    assertEquals(2, points.get(0)[1]);
    assertEquals(0, points.get(1)[1]);
    assertEquals(1, points.get(2)[1]);
  }

  @Test
  void theHeapComesFromTheGcLogsPauses() throws Exception {
    Path log = dir.resolve("gc.log");
    Files.writeString(log, """
        [0.012s][info][gc] Using G1
        [1.503s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 102M->12M(2048M) 4.113ms
        [9.201s][info][gc] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 740M->96M(2048M) 11.020ms
        [12.000s][info][gc] GC(2) Pause Full (System.gc()) 300M->150M(2048M) 120.500ms
        [14.210s][info][gc] GC(3) Pause Remark 821M->821M(2048M) 24.369ms
        [14.400s][info][gc] GC(3) Pause Cleanup 711M->711M(2048M) 0.696ms
        [15.100s][info][gc] GC(4) Pause Young (Mixed) (G1 Evacuation Pause) 441M->389M(2048M) 88.539ms
        """);
    ProcessStats.Heap heap = ProcessStats.Heap.from(log);
    assertEquals(821, heap.peakMib());
    assertEquals(389, heap.maxAfterGcMib(), "remark and cleanup pauses leave young garbage in place: not counted");
    assertEquals(2048, heap.committedMib());
    assertEquals(6, heap.pauses());
  }

  @Test
  void theCpuOfEndedChildProcessesAndOfTheMachineIsCounted() throws Exception {
    long self = ProcessHandle.current().pid();
    ProcessStats.CpuWindow window = new ProcessStats.CpuWindow(Map.of("self", self));
    // A child that spins for about half a second, then is waited for.
    Process child = new ProcessBuilder("sh", "-c", "end=$(($(date +%s%N) + 500000000)); "
        + "while [ $(date +%s%N) -lt $end ]; do :; done").start();
    assertEquals(0, child.waitFor());
    assertTrue(window.descendantsCores("self") > 0, "the child's CPU counts for its parent once it ended");
    assertTrue(window.machineCores() > 0, "the machine was busy while the child spun");
    assertTrue(ProcessStats.descendantsCpuSeconds(self) >= 0.1, "at least 0.1 s of the child's half second");
  }

  /** As drover-spawn does for the agent: a child that stays up runs and reaps the processes that work. */
  @Test
  void theCpuOfProcessesALiveChildRanAndReapedCounts() throws Exception {
    long self = ProcessHandle.current().pid();
    double before = ProcessStats.descendantsCpuSeconds(self);
    Process child = new ProcessBuilder("sh", "-c", "sh -c 'end=$(($(date +%s%N) + 500000000)); "
        + "while [ $(date +%s%N) -lt $end ]; do :; done'; echo spun; sleep 60").start();
    try {
      assertEquals("spun", new String(child.getInputStream().readNBytes(4), StandardCharsets.UTF_8));
      assertTrue(ProcessStats.descendantsCpuSeconds(self) - before >= 0.1,
          "at least 0.1 s of the grandchild's half second while the child runs");
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void theJitCompilersShareOfAJvmsCpuIsCountedFromItsCompilerThreads() {
    long self = ProcessHandle.current().pid();
    // Work enough for both compilers: hot lambdas and a stream pipeline reach C2.
    long sum = 0;
    for (int round = 1; round <= 50; round++) {
      long factor = round;
      sum += IntStream.range(0, 200_000).mapToLong(i -> i * factor % 7).sum();
    }
    assertTrue(sum > 0);
    Map<Long, Double> threads = ProcessStats.compilerCpuSeconds(self);
    double compilers = threads.values().stream().mapToDouble(Double::doubleValue).sum();
    assertTrue(compilers > 0, "this JVM has compiled code by now: " + threads);
    assertTrue(compilers < ProcessStats.cpuSeconds(self), "the compilers are part of the JVM's CPU");
    assertEquals(Map.of(), ProcessStats.compilerCpuSeconds(Long.MAX_VALUE), "no such process");
    assertEquals("0.86 cores, JIT compilers 0.25", new ProcessStats.Cores(0.864, 0.251).toString());
  }

  @Test
  void theSummaryListsEveryResultAgainstItsTargetAndLinksItsPlots() throws Exception {
    System.setProperty("java.awt.headless", "true");
    Report report = new Report("latency", "single jobs").setting("jobs", 3);
    report.measured("to RUNNING p50", Report.ms(40), "< 50 ms", true)
        .measured("to RUNNING p99", Report.ms(250), "< 200 ms", false)
        .measured("calls", "3");
    report.percentilePlot(dir, "latency.png", "latency", Map.of("to RUNNING", new Stats(List.of(30, 40, 250))));
    report.write(dir, Map.of("cores", "2"));

    String summary = Files.readString(dir.resolve("summary.md"));
    assertTrue(summary.contains("| to RUNNING p50 | 40.0 ms | < 50 ms | met |"), summary);
    assertTrue(summary.contains("| to RUNNING p99 | 250.0 ms | < 200 ms | MISSED |"), summary);
    assertTrue(summary.contains("| cores | 2 |"), summary);
    assertTrue(summary.contains("![latency.png](latency.png)"), summary);
    assertTrue(Files.size(dir.resolve("latency.png")) > 1000);
  }
}
