package io.drover.capacity;

import java.util.List;

/**
 * What a termination did.
 *
 * @param terminated the ids now shutting down or already gone
 * @param notFound the ids the provider does not know (never launched, or long gone): nothing to wait for
 */
public record TerminationResult(List<String> terminated, List<String> notFound) {

  /** Copies the lists. */
  public TerminationResult {
    terminated = List.copyOf(terminated);
    notFound = List.copyOf(notFound);
  }
}
