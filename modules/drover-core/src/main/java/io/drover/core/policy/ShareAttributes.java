package io.drover.core.policy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.drover.core.CborSerializable;

/**
 * AWS Batch's {@code ShareAttributes}: the weight factor of one share identifier, or of every share
 * starting with a prefix when {@code shareIdentifier} ends with {@code *}. A lower weight factor
 * gets more of the queue's compute; a share not listed weighs 1.0.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShareAttributes(String shareIdentifier, Float weightFactor) implements CborSerializable {

  /** Whether this entry names a prefix ({@code team_*}) rather than one share. */
  @JsonIgnore
  public boolean isPrefix() {
    return shareIdentifier.endsWith("*");
  }
}
