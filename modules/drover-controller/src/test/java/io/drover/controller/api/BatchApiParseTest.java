package io.drover.controller.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.controller.Json;
import io.drover.core.ClientError;
import io.drover.core.api.CreateComputeEnvironmentRequest;
import io.drover.core.api.CreateJobQueueRequest;
import io.drover.core.api.CreateSchedulingPolicyRequest;
import io.drover.core.api.DescribeJobsRequest;
import io.drover.core.api.ListJobsRequest;
import io.drover.core.api.SubmitJobRequest;
import io.drover.core.compute.ComputeEnvironment;
import io.drover.core.model.JobStatus;
import io.drover.core.model.KeyValuePair;
import io.drover.core.policy.FairsharePolicy;
import io.drover.core.policy.ShareAttributes;
import io.drover.core.queue.JobStateTimeLimitAction;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Request bodies the API cannot use are client errors that say which field is wrong. */
class BatchApiParseTest {

  private static final ObjectMapper JSON = Json.mapper();

  @Test
  void aValidBodyParses() {
    SubmitJobRequest request = BatchApi.parse(JSON, """
        {"jobName": "nightly", "jobQueue": "q", "jobDefinition": "app:2", "schedulingPriorityOverride": 5,
         "containerOverrides": {"command": ["echo", "hi"], "environment": [{"name": "MODE", "value": "fast"}]}}
        """, SubmitJobRequest.class);

    assertEquals("nightly", request.jobName());
    assertEquals(5, request.schedulingPriorityOverride());
    assertEquals(List.of("echo", "hi"), request.containerOverrides().command());
    assertEquals(List.of(new KeyValuePair("MODE", "fast")), request.containerOverrides().environment());
  }

  @Test
  void schedulingPolicyQueueAndArrayFieldsParseTyped() {
    CreateSchedulingPolicyRequest policy = BatchApi.parse(JSON, """
        {"name": "fair", "fairsharePolicy": {"shareDecaySeconds": 3600, "computeReservation": 10,
         "shareDistribution": [{"shareIdentifier": "team_*", "weightFactor": 0.5}]}, "tags": {"k": "v"}}
        """, CreateSchedulingPolicyRequest.class);
    assertEquals(new FairsharePolicy(3600, 10, List.of(new ShareAttributes("team_*", 0.5f))), policy.fairsharePolicy());

    CreateJobQueueRequest queue = BatchApi.parse(JSON, """
        {"jobQueueName": "q", "schedulingPolicyArn": "fair", "jobStateTimeLimitActions":
         [{"reason": "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY", "state": "RUNNABLE", "maxTimeSeconds": 600, "action": "CANCEL"}]}
        """, CreateJobQueueRequest.class);
    assertEquals(List.of(new JobStateTimeLimitAction("CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY", "RUNNABLE", 600, "CANCEL")),
        queue.jobStateTimeLimitActions());

    SubmitJobRequest array = BatchApi.parse(JSON,
        "{\"arrayProperties\": {\"size\": 10, \"maxConcurrentChildren\": 2}}", SubmitJobRequest.class);
    assertEquals(2, array.arrayProperties().maxConcurrentChildren());
    assertRejected("{\"jobQueueName\": \"q\", \"jobStateTimeLimitActions\": [{\"reasons\": \"x\"}]}",
        CreateJobQueueRequest.class, "jobStateTimeLimitActions[0].reasons");
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "  \n"})
  void anEmptyBodyIsAnEmptyRequest(String body) {
    SubmitJobRequest request = BatchApi.parse(JSON, body, SubmitJobRequest.class);

    assertNull(request.jobName());
    assertNull(request.containerOverrides());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{not json", "{\"jobName\": \"nightly\"", "{\"jobName\": \"nightly\",}"})
  void malformedJsonIsAClientError(String body) {
    assertRejected(body, SubmitJobRequest.class, "The request body is not valid JSON");
  }

  @Test
  void anUnknownFieldIsNamed() {
    assertRejected("{\"jobNam\": \"nightly\"}", SubmitJobRequest.class, "Unknown field 'jobNam'");
  }

  @Test
  void anUnknownNestedFieldIsNamedByItsPath() {
    assertRejected("{\"jobName\": \"nightly\", \"containerOverrides\": {\"foo\": 1}}", SubmitJobRequest.class,
        "Unknown field 'containerOverrides.foo'");
  }

  @Test
  void anUnknownFieldInAListEntryIsNamedWithItsIndex() {
    assertRejected("{\"containerOverrides\": {\"environment\": [{\"name\": \"A\", \"value\": \"1\"}, {\"name\": \"B\", \"valu\": \"2\"}]}}",
        SubmitJobRequest.class, "Unknown field 'containerOverrides.environment[1].valu'");
  }

  @Test
  void aStringWhereANumberBelongsNamesTheField() {
    assertRejected("{\"schedulingPriorityOverride\": \"high\"}", SubmitJobRequest.class,
        "'schedulingPriorityOverride'", "high");
  }

  @Test
  void anObjectWhereAStringBelongsNamesTheField() {
    assertRejected("{\"jobName\": {\"first\": \"nightly\"}}", SubmitJobRequest.class, "Invalid value for 'jobName'");
  }

  @Test
  void aStringWhereAListBelongsNamesTheField() {
    assertRejected("{\"jobs\": \"job-1\"}", DescribeJobsRequest.class, "Invalid value for 'jobs'");
  }

  @Test
  void aWrongTypeInANestedObjectNamesItsPath() {
    assertRejected("{\"retryStrategy\": {\"attempts\": \"many\"}}", SubmitJobRequest.class, "'retryStrategy.attempts'");
  }

  @Test
  void aNumberTooLargeForItsFieldNamesTheField() {
    assertRejected("{\"jobQueueName\": \"q\", \"priority\": 99999999999}", CreateJobQueueRequest.class, "'priority'");
  }

  @Test
  void anEnumValueThatIsNotAllowedNamesTheFieldAndTheValue() {
    assertRejected("{\"jobQueue\": \"q\", \"jobStatus\": \"DONE\"}", ListJobsRequest.class, "'jobStatus'", "DONE");
    assertRejected("{\"computeEnvironmentName\": \"ce\", \"type\": \"SPOT\"}", CreateComputeEnvironmentRequest.class,
        "'type'", "SPOT");
    assertRejected("{\"jobQueueName\": \"q\", \"state\": \"PAUSED\"}", CreateJobQueueRequest.class, "'state'", "PAUSED");
  }

  @Test
  void enumValuesAwsDefinesParse() {
    assertEquals(JobStatus.SUCCEEDED,
        BatchApi.parse(JSON, "{\"jobQueue\": \"q\", \"jobStatus\": \"SUCCEEDED\"}", ListJobsRequest.class).jobStatus());
    assertEquals(ComputeEnvironment.Type.UNMANAGED, BatchApi.parse(JSON,
        "{\"computeEnvironmentName\": \"ce\", \"type\": \"UNMANAGED\"}", CreateComputeEnvironmentRequest.class).type());
  }

  private static void assertRejected(String body, Class<?> type, String... fragments) {
    String message = assertThrows(ClientError.class, () -> BatchApi.parse(JSON, body, type)).getMessage();
    for (String fragment : fragments) {
      assertTrue(message.contains(fragment), () -> "expected '" + fragment + "' in: " + message);
    }
  }
}
