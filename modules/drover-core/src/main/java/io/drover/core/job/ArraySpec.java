package io.drover.core.job;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.drover.core.CborSerializable;

/**
 * What makes a job part of an array job: the parent has a {@code size}; each child its
 * {@code parentJobId} and {@code index} (0-based, as {@code AWS_BATCH_JOB_ARRAY_INDEX}). Parent and
 * children carry the same {@code maxConcurrentChildren}: how many children may run at once (null:
 * no limit), Drover's counterpart of Slurm's {@code --array=...%N}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ArraySpec(Integer size, String parentJobId, Integer index, Integer maxConcurrentChildren)
    implements CborSerializable {

  public static final int MIN_SIZE = 2;
  public static final int MAX_SIZE = 10_000;
  public static final int MAX_CONCURRENT_CHILDREN = 10_000;

  /**
   * The SubmitJob tag that sets {@code maxConcurrentChildren}, for clients that cannot send
   * {@code arrayProperties.maxConcurrentChildren} (the AWS SDKs send only AWS's own fields).
   */
  public static final String MAX_CONCURRENT_CHILDREN_TAG = "drover:maxConcurrentChildren";

  public static ArraySpec parent(int size) {
    return parent(size, null);
  }

  public static ArraySpec parent(int size, Integer maxConcurrentChildren) {
    return new ArraySpec(size, null, null, maxConcurrentChildren);
  }

  public static ArraySpec child(String parentJobId, int index) {
    return child(parentJobId, index, null);
  }

  public static ArraySpec child(String parentJobId, int index, Integer maxConcurrentChildren) {
    return new ArraySpec(null, parentJobId, index, maxConcurrentChildren);
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
