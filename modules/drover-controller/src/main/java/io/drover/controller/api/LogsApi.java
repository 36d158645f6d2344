package io.drover.controller.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.controller.readside.LogStore;
import io.drover.core.ClientError;
import io.drover.core.job.Attempt;
import io.drover.core.job.JobState;
import io.drover.protocol.LogProtocol.LogChunk;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * {@code GET /drover/v1/jobs/{jobId}/logs}: an attempt's output. Query parameters: {@code attempt}
 * (default: the latest), {@code fromSeq} and {@code limit} to page through long output, and
 * {@code format=json} for chunks with stream and timestamp instead of plain text. A plain-text
 * page that has more after it carries the {@code X-Drover-Next-Seq} header.
 */
public final class LogsApi {

  /** The JSON form of a page of output. */
  record LogEvents(String jobId, int attempt, String logStreamName, List<LogChunk> events, Long nextSeq) {}

  private final BatchApi batch;
  private final LogStore store;
  private final ObjectMapper json;

  public LogsApi(BatchApi batch, LogStore store, ObjectMapper json) {
    this.batch = batch;
    this.store = store;
    this.json = json;
  }

  /** An attempt's output, for a caller allowed to describe the job (batch:DescribeJobs on its queue). */
  CompletionStage<HttpResponse> read(
      Access access,
      String jobId, Optional<String> attempt, Optional<String> fromSeq, Optional<String> limit, Optional<String> format) {
    long from = number(fromSeq, "fromSeq", 0, 0, Long.MAX_VALUE);
    int max = (int) number(limit, "limit", 1000, 1, 10_000);
    boolean asJson = format.map(f -> {
      ClientError.require(f.equals("json") || f.equals("text"), "format '" + f + "' must be text or json.");
      return f.equals("json");
    }).orElse(false);
    return batch.job(jobId).thenCompose(snapshot -> {
      JobState state = snapshot.state();
      if (state == null) {
        throw ApiException.notFound("ClientException", "Job " + jobId + " does not exist.");
      }
      access.require(BatchApi.DESCRIBE_JOBS, batch.identity().jobQueueArn(state.spec().jobQueue()));
      if (state.attempts().isEmpty()) {
        throw ApiException.notFound("ClientException",
            "Job " + jobId + " has not started an attempt yet (it is " + state.status() + "), so it has no output.");
      }
      int number = (int) number(attempt, "attempt", state.attempts().size(), 1, state.attempts().size());
      Attempt chosen = state.attempts().get(number - 1);
      return store.read(jobId, number, from, max).thenApply(page -> asJson
          ? jsonResponse(new LogEvents(jobId, number, chosen.logStreamName(), page.chunks(), page.nextSeq()))
          : textResponse(page));
    });
  }

  private HttpResponse jsonResponse(LogEvents events) {
    try {
      return HttpResponse.create().withStatus(StatusCodes.OK)
          .withEntity(ContentTypes.APPLICATION_JSON, json.writeValueAsBytes(events));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse textResponse(LogStore.LogPage page) {
    StringBuilder text = new StringBuilder();
    page.chunks().forEach(chunk -> text.append(chunk.text()));
    HttpResponse response = HttpResponse.create().withStatus(StatusCodes.OK)
        .withEntity(ContentTypes.TEXT_PLAIN_UTF8, text.toString());
    return page.nextSeq() == null
        ? response
        : response.addHeader(RawHeader.create("X-Drover-Next-Seq", Long.toString(page.nextSeq())));
  }

  private static long number(Optional<String> value, String name, long fallback, long min, long max) {
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      long n = Long.parseLong(value.get());
      ClientError.require(n >= min && n <= max, name + " must be from " + min + " to " + max + ", not " + n + ".");
      return n;
    } catch (NumberFormatException e) {
      throw new ClientError(name + " '" + value.get() + "' is not a whole number.");
    }
  }
}
