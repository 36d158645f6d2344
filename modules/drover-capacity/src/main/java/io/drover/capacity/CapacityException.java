package io.drover.capacity;

/** A provider call other than {@code launch} failed; {@link #error()} says how, and what to do. */
public final class CapacityException extends RuntimeException {

  private final CapacityError error;

  /** Wraps a classified error and its cause. */
  public CapacityException(CapacityError error, Throwable cause) {
    super(error.message(), cause);
    this.error = error;
  }

  /** The classified error. */
  public CapacityError error() {
    return error;
  }
}
