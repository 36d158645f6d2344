package io.drover.core.model;

/** AWS Batch's {@code ResourceRequirement}: {@code type} is VCPU, MEMORY (MiB) or GPU. */
public record ResourceRequirement(String type, String value) {

  public static final String VCPU = "VCPU";
  public static final String MEMORY = "MEMORY";
  public static final String GPU = "GPU";
}
