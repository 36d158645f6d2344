package io.drover.core.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.drover.core.CborSerializable;
import java.util.Map;

/**
 * A scheduling policy in AWS Batch's {@code SchedulingPolicyDetail} shape. A job queue created with
 * one ({@code schedulingPolicyArn}) is a fair-share queue: jobs name a share identifier and the
 * policy's {@link FairsharePolicy} divides the queue's compute between the shares.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SchedulingPolicy(String name, String arn, FairsharePolicy fairsharePolicy, Map<String, String> tags)
    implements CborSerializable {

  public SchedulingPolicy withFairsharePolicy(FairsharePolicy policy) {
    return new SchedulingPolicy(name, arn, policy, tags);
  }
}
