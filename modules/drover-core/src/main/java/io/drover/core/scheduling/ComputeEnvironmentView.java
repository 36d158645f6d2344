package io.drover.core.scheduling;

/**
 * A compute environment as one scheduling pass sees it.
 *
 * @param maxMilliCpus the most vCPU (in thousandths) its jobs may hold at once; 0 for no limit
 * @param fairShareMilliCpus the vCPU fair-share compute reservation is a fraction of (AWS's
 *     {@code unmanagedvCpus}); 0 to use {@code maxMilliCpus}, or else the capacity of its hosts
 */
public record ComputeEnvironmentView(String name, boolean enabled, long maxMilliCpus, long fairShareMilliCpus) {

  public static ComputeEnvironmentView unlimited(String name, boolean enabled) {
    return new ComputeEnvironmentView(name, enabled, 0, 0);
  }
}
