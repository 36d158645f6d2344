package io.drover.controller.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.ClientError;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.pattern.AskTimeoutException;
import org.junit.jupiter.api.Test;

/** A SubmitJob whose job does not answer in time gets a 503 that names the job it may still create. */
class SubmitTimeoutTest {

  private static final String JOB = "8c3f2a4e-1d2b-8c4d-9e5f-0a1b2c3d4e5f";

  private static Throwable failure(CompletableFuture<?> answered) {
    CompletionException e = assertThrows(CompletionException.class, answered::join);
    return e.getCause();
  }

  @Test
  void anAskTimeoutBecomesA503NamingTheJobAndSayingARetryFindsIt() {
    CompletableFuture<String> asked = CompletableFuture.failedFuture(new AskTimeoutException("Ask timed out after [10000 ms]"));

    Throwable answer = failure(BatchApi.timeoutNamingTheJob(asked, JOB, "invocation-1").toCompletableFuture());

    ApiException error = (ApiException) answer;
    assertEquals(StatusCodes.SERVICE_UNAVAILABLE, error.status());
    assertEquals("ServerException", error.type());
    assertEquals("SubmitJob did not finish in time (a controller or Cassandra is slow or restarting), so job " + JOB
        + " may or may not have been created. Retrying this call as it is (same amz-sdk-invocation-id, as an SDK "
        + "retries) finds that job if it was created; before a new call, call DescribeJobs with jobs [\"" + JOB
        + "\"] to see whether it was.", error.getMessage());
  }

  @Test
  void withoutAnInvocationIdTheAnswerWarnsThatSendingItAgainSubmitsASecondJob() {
    CompletableFuture<String> asked = new CompletableFuture<>();
    CompletableFuture<String> answered = BatchApi.timeoutNamingTheJob(asked, JOB, null).toCompletableFuture();
    asked.completeExceptionally(new CompletionException(new TimeoutException("timed out")));

    ApiException error = (ApiException) failure(answered);
    assertEquals(StatusCodes.SERVICE_UNAVAILABLE, error.status());
    assertTrue(error.getMessage().contains("so job " + JOB + " may or may not have been created. This call had no "
        + "amz-sdk-invocation-id header, so sending it again would submit a second job: call DescribeJobs with jobs [\""
        + JOB + "\"]"), error.getMessage());
  }

  @Test
  void otherFailuresAndAnswersPassThroughUnchanged() {
    ClientError refused = new ClientError("This call's amz-sdk-invocation-id (invocation-1) already submitted job " + JOB);

    Throwable answer = failure(
        BatchApi.timeoutNamingTheJob(CompletableFuture.failedFuture(refused), JOB, "invocation-1").toCompletableFuture());

    assertSame(refused, answer);
    assertEquals("submitted",
        BatchApi.timeoutNamingTheJob(CompletableFuture.completedFuture("submitted"), JOB, "invocation-1").toCompletableFuture().join());
  }
}
