package io.drover.capacity;

/**
 * What an instance type offers.
 *
 * @param instanceType the type, such as {@code c5.xlarge}
 * @param vcpus its vCPUs
 * @param memoryMib its memory in MiB (all of it: the agent keeps some back for the host)
 */
public record InstanceShape(String instanceType, int vcpus, long memoryMib) {

  /** The family: what comes before the dot ({@code c5} for {@code c5.xlarge}). */
  public String family() {
    int dot = instanceType.indexOf('.');
    return dot < 0 ? instanceType : instanceType.substring(0, dot);
  }
}
