package io.drover.core.job;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.drover.core.CborSerializable;

/**
 * What makes a job part of an array job: the parent has a {@code size}; each child its
 * {@code parentJobId} and {@code index} (0-based, as {@code AWS_BATCH_JOB_ARRAY_INDEX}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ArraySpec(Integer size, String parentJobId, Integer index) implements CborSerializable {

  public static final int MIN_SIZE = 2;
  public static final int MAX_SIZE = 10_000;

  public static ArraySpec parent(int size) {
    return new ArraySpec(size, null, null);
  }

  public static ArraySpec child(String parentJobId, int index) {
    return new ArraySpec(null, parentJobId, index);
  }

  @JsonIgnore
  public boolean isParent() {
    return size != null;
  }

  /** The id of child {@code index} of array job {@code parentJobId}: {@code <parentJobId>:<index>}, as AWS names them. */
  public static String childId(String parentJobId, int index) {
    return parentJobId + ":" + index;
  }
}
