package io.drover.controller.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.controller.controlplane.ControlPlaneClient;
import io.drover.controller.events.EventsApi;
import io.drover.core.ClientError;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.pattern.AskTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drover's HTTP surface: the AWS Batch API under {@code /v1}, and Drover's own additions under
 * {@code /drover/v1}. Every error is answered in AWS's shape: {@code x-amzn-ErrorType} and
 * {@code {"__type", "message"}}, 400 for the caller's mistakes, 500 when Drover could not do it.
 */
public final class ApiRoutes extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(ApiRoutes.class);

  private final ObjectMapper json;
  private final BatchApi batch;
  private final LogsApi logs;
  private final EventsApi events;
  private final CostApi cost;

  public ApiRoutes(ObjectMapper json, BatchApi batch, LogsApi logs, EventsApi events) {
    this.json = json;
    this.batch = batch;
    this.logs = logs;
    this.events = events;
    this.cost = new CostApi(batch.readStore().costs());
  }

  public Route route() {
    return concat(
        pathPrefix("v1", () -> path(PathMatchers.segment(), operation ->
            post(() -> entity(Unmarshaller.entityToString(), body -> respond(() -> batch.handle(operation, body)))))),
        path(PathMatchers.segment("drover").slash("v1").slash("events"), () -> get(() ->
            parameterOptional("jobQueue", jobQueue ->
                parameterOptional("jobId", jobId -> {
                  try {
                    return completeOK(events.stream(jobQueue, jobId), EventStreamMarshalling.toEventStream());
                  } catch (ClientError e) {
                    return complete(error(e));
                  }
                })))),
        path(PathMatchers.segment("drover").slash("v1").slash("cost"), () -> get(() ->
            parameterOptional("from", from ->
                parameterOptional("to", to ->
                    parameterOptional("groupBy", groupBy ->
                        respond(() -> cost.report(from, to, groupBy, System.currentTimeMillis()))))))),
        pathPrefix(PathMatchers.segment("drover").slash("v1").slash("jobs").slash(PathMatchers.segment()).slash("logs"),
            jobId -> pathEndOrSingleSlash(() -> get(() ->
                parameterOptional("attempt", attempt ->
                    parameterOptional("fromSeq", fromSeq ->
                        parameterOptional("limit", limit ->
                            parameterOptional("format", format ->
                                completeWithFuture(logs.read(jobId, attempt, fromSeq, limit, format)
                                    .exceptionally(this::error))))))))));
  }

  private Route respond(java.util.function.Supplier<CompletionStage<?>> operation) {
    CompletionStage<HttpResponse> response;
    try {
      response = operation.get().thenApply(this::ok).exceptionally(this::error);
    } catch (RuntimeException e) {
      response = java.util.concurrent.CompletableFuture.completedFuture(error(e));
    }
    return completeWithFuture(response);
  }

  private HttpResponse ok(Object body) {
    try {
      return HttpResponse.create().withStatus(StatusCodes.OK)
          .withEntity(ContentTypes.APPLICATION_JSON, json.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      return error(e);
    }
  }

  /** Maps a failure to AWS's error shape. */
  HttpResponse error(Throwable failure) {
    Throwable e = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (e instanceof ClientError) {
      return errorResponse(StatusCodes.BAD_REQUEST, "ClientException", e.getMessage());
    }
    if (e instanceof ApiException api) {
      return errorResponse(api.status(), api.type(), api.getMessage());
    }
    if (e instanceof ControlPlaneClient.ControlPlaneUnavailable) {
      return errorResponse(StatusCodes.SERVICE_UNAVAILABLE, "ServerException", e.getMessage());
    }
    if (e instanceof AskTimeoutException || e instanceof TimeoutException) {
      log.warn("A request timed out inside Drover: {}", e.getMessage());
      return errorResponse(StatusCodes.SERVICE_UNAVAILABLE, "ServerException",
          "Drover did not finish the request in time (a controller or Cassandra is slow or restarting). "
              + "It may or may not have taken effect; check with a Describe call before retrying.");
    }
    log.error("Request failed unexpectedly", e);
    return errorResponse(StatusCodes.INTERNAL_SERVER_ERROR, "ServerException",
        "Drover failed to serve the request: " + e + ". The controller log has the details.");
  }

  private HttpResponse errorResponse(StatusCode status, String type, String message) {
    byte[] body;
    try {
      body = json.writeValueAsBytes(new Responses.Error(type, message));
    } catch (JsonProcessingException impossible) {
      throw new IllegalStateException(impossible);
    }
    return HttpResponse.create()
        .withStatus(status)
        .addHeaders(List.of(RawHeader.create("x-amzn-ErrorType", type)))
        .withEntity(ContentTypes.APPLICATION_JSON, body);
  }
}
