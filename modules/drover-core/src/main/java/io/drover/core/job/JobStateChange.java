package io.drover.core.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.drover.core.CborSerializable;
import io.drover.core.model.AwsIdentity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A job changed status: the event AWS Batch sends to EventBridge ("Batch Job State Change"), with
 * the job's {@code JobDetail} as {@code detail}. Its {@code id} is derived from the job and the
 * event that caused it, so a receiver that gets it twice (delivery is at least once) can tell.
 */
public record JobStateChange(
    String version,
    String id,
    @JsonProperty("detail-type") String detailType,
    String source,
    String account,
    String time,
    String region,
    List<String> resources,
    JobDetail detail)
    implements CborSerializable {

  public static final String DETAIL_TYPE = "Batch Job State Change";

  /**
   * The event for {@code after}, or null when the status did not change ({@code before} null means
   * the job was just submitted).
   *
   * @param cause names the journal event that caused the change, e.g. persistence id and sequence number
   */
  public static JobStateChange of(JobState before, JobState after, String cause, long at, AwsIdentity identity) {
    if (before != null && before.status() == after.status()) {
      return null;
    }
    JobDetail detail = JobViews.detail(after, identity);
    return new JobStateChange(
        "0",
        UUID.nameUUIDFromBytes(cause.getBytes(StandardCharsets.UTF_8)).toString(),
        DETAIL_TYPE,
        "aws.batch",
        identity.accountId(),
        Instant.ofEpochMilli(at).toString(),
        identity.region(),
        List.of(detail.jobArn()),
        detail);
  }

  /** The job queue's name, for filtering. */
  public String jobQueueName() {
    return AwsIdentity.nameFrom(detail.jobQueue(), "job-queue", "jobQueue");
  }
}
