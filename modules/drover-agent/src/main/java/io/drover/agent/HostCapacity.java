package io.drover.agent;

import io.drover.core.model.Resources;
import java.io.File;
import java.lang.management.ManagementFactory;

/** What this host can give to jobs: configured, or detected from the machine. */
final class HostCapacity {

  private HostCapacity() {}

  static Resources of(AgentSettings settings) {
    double vcpus = settings.vcpus() > 0 ? settings.vcpus() : Runtime.getRuntime().availableProcessors();
    long memory = settings.memoryMib() > 0
        ? settings.memoryMib()
        : Math.max(256, physicalMemoryMib() - settings.reservedMemoryMib());
    int gpus = settings.gpus() >= 0 ? settings.gpus() : detectGpus();
    return Resources.of(vcpus, memory, gpus);
  }

  static long physicalMemoryMib() {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    return os.getTotalMemorySize() / (1024 * 1024);
  }

  /** NVIDIA's driver lists one directory per GPU here. */
  private static int detectGpus() {
    String[] gpus = new File("/proc/driver/nvidia/gpus").list();
    return gpus == null ? 0 : gpus.length;
  }
}
