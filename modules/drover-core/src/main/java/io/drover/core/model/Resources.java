package io.drover.core.model;

/**
 * An amount of host resources: CPU in thousandths of a vCPU (so 0.25 vCPU is exact), memory in
 * MiB and whole GPUs. Used both for what a job needs and for what a host has.
 */
public record Resources(long milliCpus, long memoryMib, int gpus) {

  public static final Resources ZERO = new Resources(0, 0, 0);

  public Resources {
    if (milliCpus < 0 || memoryMib < 0 || gpus < 0) {
      throw new IllegalArgumentException(
          "resources cannot be negative: " + milliCpus + "m vCPU, " + memoryMib + " MiB, " + gpus + " GPU");
    }
  }

  public static Resources of(double vcpus, long memoryMib, int gpus) {
    return new Resources(Math.round(vcpus * 1000), memoryMib, gpus);
  }

  public double vcpus() {
    return milliCpus / 1000.0;
  }

  public Resources plus(Resources other) {
    return new Resources(milliCpus + other.milliCpus, memoryMib + other.memoryMib, gpus + other.gpus);
  }

  /** Subtracts, flooring each dimension at zero. */
  public Resources minus(Resources other) {
    return new Resources(
        Math.max(0, milliCpus - other.milliCpus),
        Math.max(0, memoryMib - other.memoryMib),
        Math.max(0, gpus - other.gpus));
  }

  /** True when {@code need} fits inside this amount in every dimension. */
  public boolean fits(Resources need) {
    return need.milliCpus <= milliCpus && need.memoryMib <= memoryMib && need.gpus <= gpus;
  }

  /** Human-readable form used in status reasons, e.g. {@code 2 vCPU, 2048 MiB, 1 GPU}. */
  public String describe() {
    String cpu = milliCpus % 1000 == 0 ? Long.toString(milliCpus / 1000) : Double.toString(vcpus());
    String text = cpu + " vCPU, " + memoryMib + " MiB";
    return gpus > 0 ? text + ", " + gpus + " GPU" : text;
  }
}
