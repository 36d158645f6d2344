package io.drover.controller.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.controller.controlplane.ControlPlaneClient;
import io.drover.controller.events.EventsApi;
import io.drover.controller.security.Authenticator;
import io.drover.controller.security.SecuritySettings;
import io.drover.core.ClientError;
import io.drover.core.iam.AuthenticationError;
import io.drover.core.iam.Principal;
import io.drover.core.iam.SigV4;
import io.drover.core.iam.TokenBuckets;
import io.drover.metrics.ControllerMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.pattern.AskTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drover's HTTP surface: the AWS Batch API under {@code /v1}, and Drover's own additions under
 * {@code /drover/v1} (the admin API among them). Every request is signed with AWS Signature
 * Version 4, rate-limited per access key, and allowed by the caller's policies; the body is at most
 * {@code drover.controller.http.max-request-size}. Every error is answered in AWS's shape:
 * {@code x-amzn-ErrorType} and {@code {"__type", "message"}}, 4xx for the caller's mistakes, 5xx
 * when Drover could not do it. The dashboard's static files ({@link DashboardRoutes}) are served
 * ahead of these checks, unsigned.
 */
public final class ApiRoutes extends AllDirectives {

  /** The id the AWS SDKs and CLI give each call and send again on its automatic retries. */
  private static final String INVOCATION_ID = "amz-sdk-invocation-id";

  private static final Logger log = LoggerFactory.getLogger(ApiRoutes.class);
  private static final Duration READ_BODY_TIMEOUT = Duration.ofSeconds(10);
  private static final String ADMIN_PREFIX = "admin/";
  private static final Pattern HOST_OPERATION = Pattern.compile("/drover/v1/hosts/[^/]+/(drain|undrain)");

  private final ObjectMapper json;
  private final BatchApi batch;
  private final AdminApi admin;
  private final LogsApi logs;
  private final EventsApi events;
  private final CostApi cost;
  private final HostsApi hosts;
  private final FairShareApi fairShare;
  private final DashboardRoutes dashboard = new DashboardRoutes();
  private final JobCountsApi jobCounts;
  private final Authenticator authenticator;
  private final TokenBuckets rateLimits;
  private final SecuritySettings security;
  private final ControllerMetrics metrics;
  /** Built once: it holds ready answers, which every request would otherwise serialize again. */
  private final RejectionHandler rejections;
  /** Built once, like {@link #rejections}: what a failed request is answered. */
  private final ExceptionHandler failures;

  public ApiRoutes(
      ObjectMapper json,
      BatchApi batch,
      AdminApi admin,
      LogsApi logs,
      EventsApi events,
      HostsApi hosts,
      FairShareApi fairShare,
      Authenticator authenticator,
      SecuritySettings security,
      ControllerMetrics metrics) {
    this.json = json;
    this.metrics = metrics;
    this.batch = batch;
    this.admin = admin;
    this.logs = logs;
    this.events = events;
    this.hosts = hosts;
    this.fairShare = fairShare;
    this.cost = new CostApi(batch.readStore().costs());
    this.jobCounts = new JobCountsApi(batch.readStore().counts(), batch.controlPlane(), batch.identity());
    this.authenticator = authenticator;
    this.security = security;
    this.rateLimits = new TokenBuckets(
        security.requestsPerSecond(), security.burst(), security.maxCallers(), System::nanoTime);
    this.rejections = rejections();
    this.failures = ExceptionHandler.newBuilder()
        .match(EntityStreamSizeException.class, e -> complete(tooLarge()))
        .match(RuntimeException.class, e -> complete(error(e)))
        .build();
  }

  /**
   * Every route, behind the checks; anything an operation throws is answered by {@link #error}.
   * Each answer is counted by operation and status, with its duration.
   */
  public Route route() {
    return concat(dashboard.route(), extractRequest(request -> {
      long start = System.nanoTime();
      String operation = operationOf(request.getUri().path());
      return mapResponse(response -> {
        metrics.apiRequest(operation, response.status().intValue(), System.nanoTime() - start);
        return response;
      }, () -> checkedRoutes(request, operation));
    }));
  }

  /**
   * The metrics' name for the operation a path asks for: the AWS Batch operation in lower case
   * ({@code submitjob}), {@code admin/<operation>}, {@code events}, {@code cost}, {@code job-counts},
   * {@code fair-share}, {@code logs},
   * {@code hosts}, {@code drainhost}, {@code undrainhost}, {@code cluster}, {@code whoami}, or
   * {@code unknown} (so that no path a caller makes up becomes a label of its own).
   */
  String operationOf(String path) {
    String last = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    if (path.startsWith("/v1/") && path.indexOf('/', 4) < 0 && batch.operationNames().contains(last)) {
      return last;
    } else if (path.startsWith("/drover/v1/admin/") && path.indexOf('/', 17) < 0 && admin.knows(last)) {
      return ADMIN_PREFIX + last;
    } else if (path.equals("/drover/v1/events") || path.equals("/drover/v1/cost") || path.equals("/drover/v1/hosts")
        || path.equals("/drover/v1/cluster") || path.equals("/drover/v1/whoami") || path.equals("/drover/v1/job-counts")
        || path.equals("/drover/v1/fair-share")) {
      return last;
    } else if (HOST_OPERATION.matcher(path).matches()) {
      return last + "host";
    } else if (path.startsWith("/drover/v1/jobs/") && (path.endsWith("/logs") || path.endsWith("/logs/"))) {
      return "logs";
    }
    return "unknown";
  }

  private Route checkedRoutes(HttpRequest request, String operation) {
    return handleExceptions(failures, () -> {
      if (request.entity().getContentLengthOption().orElse(0L) > security.maxRequestBytes()) {
        // The body is read and dropped before the answer (it is at most pekko.http's
        // max-content-length): a connection closed on unread bytes is reset, and the caller,
        // still sending, would get no answer at all instead of this 413.
        return extractMaterializer(materializer ->
            onComplete(request.discardEntityBytes(materializer).completionStage(), discarded -> complete(tooLarge())));
      }
      if (request.entity() instanceof HttpEntity.Strict body) {
        // Most bodies arrive whole and come as strict entities already, within the limit by
        // the length checked above; extractStrictEntity would run a stream for each of them.
        return authorizedRoutes(request, body, operation);
      }
      // A body of no stated length (sent in chunks) is held to the limit as it streams in, which
      // fails the stream with the EntityStreamSizeException answered above; extractStrictEntity's
      // own limit would fail it with a 400 instead.
      return withSizeLimit(security.maxRequestBytes(), () ->
          extractStrictEntity(READ_BODY_TIMEOUT, Long.MAX_VALUE, body -> authorizedRoutes(request, body, operation)));
    });
  }

  private Route authorizedRoutes(HttpRequest request, HttpEntity.Strict body, String operation) {
    Access access;
    try {
      access = authorize(request, body, operation);
    } catch (AuthenticationError e) {
      log.debug("Refused {} {}: {} ({})", request.method().value(), request.getUri().path(), e.code(), e.getMessage());
      return complete(errorResponse(StatusCodes.get(e.status()), e.code(), e.getMessage()));
    } catch (ApiException e) {
      return complete(error(e));
    }
    return handleRejections(rejections, () -> routes(access, body.getData().utf8String()));
  }

  private Route routes(Access access, String body) {
    return concat(
        pathPrefix("v1", () -> path(PathMatchers.segment(), operation ->
            post(() -> respond(() -> batch.handle(access, operation, body))))),
        pathPrefix(PathMatchers.segment("drover").slash("v1").slash("admin"), () -> path(PathMatchers.segment(), operation ->
            post(() -> respond(() -> admin.handle(access, operation, body))))),
        path(PathMatchers.segment("drover").slash("v1").slash("events"), () -> get(() ->
            parameterOptional("jobQueue", jobQueue ->
                parameterOptional("jobId", jobId -> {
                  access.requireSomewhere(BatchApi.DESCRIBE_JOBS, batch.identity().jobQueueArn("*"));
                  return completeOK(events.stream(jobQueue, jobId,
                          queue -> access.allows(BatchApi.DESCRIBE_JOBS, batch.identity().jobQueueArn(queue))),
                      EventStreamMarshalling.toEventStream());
                })))),
        path(PathMatchers.segment("drover").slash("v1").slash("whoami"), () -> get(() ->
            respond(() -> CompletableFuture.completedFuture(DashboardRoutes.whoami(access.principal(), batch.identity()))))),
        path(PathMatchers.segment("drover").slash("v1").slash("cost"), () -> get(() ->
            parameterOptional("from", from ->
                parameterOptional("to", to ->
                    parameterOptional("groupBy", groupBy -> respond(() -> {
                      access.require(CostApi.ACTION, "*");
                      return cost.report(from, to, groupBy, System.currentTimeMillis());
                    })))))),
        pathPrefix(PathMatchers.segment("drover").slash("v1").slash("hosts"), () -> concat(
            pathEnd(() -> get(() -> parameterOptional("computeEnvironment", ce -> respond(() -> hosts.list(access, ce))))),
            path(PathMatchers.segment().slash("drain"), hostId -> post(() -> respond(() -> hosts.drain(access, hostId, body)))),
            path(PathMatchers.segment().slash("undrain"), hostId -> post(() -> respond(() -> hosts.undrain(access, hostId)))))),
        path(PathMatchers.segment("drover").slash("v1").slash("cluster"), () -> get(() -> respond(() -> hosts.cluster(access)))),
        path(PathMatchers.segment("drover").slash("v1").slash("fair-share"), () -> get(() ->
            parameterOptional("jobQueue", jobQueue -> respond(() -> fairShare.shares(access, jobQueue))))),
        path(PathMatchers.segment("drover").slash("v1").slash("job-counts"), () -> get(() ->
            parameterOptional("jobQueue", jobQueue ->
                respond(() -> jobCounts.counts(access, jobQueue, System.currentTimeMillis()))))),
        pathPrefix(PathMatchers.segment("drover").slash("v1").slash("jobs").slash(PathMatchers.segment()).slash("logs"),
            jobId -> pathEndOrSingleSlash(() -> get(() ->
                parameterOptional("attempt", attempt ->
                    parameterOptional("fromSeq", fromSeq ->
                        parameterOptional("limit", limit ->
                            parameterOptional("format", format ->
                                completeWithFuture(logs.read(access, jobId, attempt, fromSeq, limit, format)
                                    .exceptionally(this::error))))))))));
  }

  /** A request no route takes, in AWS's error shape like every other refusal. */
  private RejectionHandler rejections() {
    return RejectionHandler.newBuilder()
        .handleAll(MethodRejection.class, rejected -> complete(errorResponse(StatusCodes.METHOD_NOT_ALLOWED,
            "ClientException", "This path takes " + rejected.stream().map(r -> r.supported().name()).distinct().toList()
                + ": the AWS Batch API is POST /v1/<operation>, Drover's logs, events, cost, job counts, fair share, hosts, cluster and whoami are GET, "
                + "a host's drain and undrain POST.")))
        .handleNotFound(complete(errorResponse(StatusCodes.NOT_FOUND, "UnknownOperationException",
            "No such path. Drover serves POST /v1/<operation> (the AWS Batch API), POST /drover/v1/admin/<operation>, "
                + "POST /drover/v1/hosts/<hostId>/drain|undrain, and GET /drover/v1/jobs/<jobId>/logs, /drover/v1/events, "
                + "/drover/v1/cost, /drover/v1/job-counts, /drover/v1/fair-share, /drover/v1/hosts, /drover/v1/cluster and /drover/v1/whoami; "
                + "the dashboard is at /ui/.")))
        .build();
  }

  /** Who is calling, once their signature checks out and they are within their rate. */
  private Access authorize(HttpRequest request, HttpEntity.Strict body, String operation) {
    boolean changesState = request.method() == HttpMethods.POST && !readsOnly(operation);
    Principal principal = authenticator.authenticate(signedRequest(request, body), changesState);
    if (!rateLimits.tryAcquire(principal.accessKeyId())) {
      throw new ApiException(StatusCodes.TOO_MANY_REQUESTS, "TooManyRequestsException",
          "Rate exceeded for access key " + principal.accessKeyId() + ": at most " + security.requestsPerSecond()
              + " requests a second (bursts of " + security.burst() + ") per controller. Slow down and retry; "
              + "the AWS SDKs and CLI back off and retry by themselves.");
    }
    return new Access(principal, request.getHeader(INVOCATION_ID).map(HttpHeader::value).filter(id -> !id.isBlank())
        .orElse(null));
  }

  /** Whether an operation (as {@link #operationOf} names it) only reads, so its signed request may be repeated. */
  private static boolean readsOnly(String operation) {
    return operation.startsWith(ADMIN_PREFIX)
        ? AdminApi.readsOnly(operation.substring(ADMIN_PREFIX.length()))
        : BatchApi.readsOnly(operation);
  }

  /** The request as it was signed: method, path and query as sent, headers, body. */
  private SigV4.SignedRequest signedRequest(HttpRequest request, HttpEntity.Strict body) {
    String target = request.getHeader("Raw-Request-URI").map(HttpHeader::value).orElse(request.getUri().path());
    if (!target.startsWith("/")) {
      int authority = target.indexOf("//");
      int pathStart = authority < 0 ? -1 : target.indexOf('/', authority + 2);
      target = pathStart < 0 ? "/" : target.substring(pathStart);
    }
    int query = target.indexOf('?');
    Map<String, List<String>> headers = new HashMap<>();
    for (HttpHeader header : request.getHeaders()) {
      if (!header.is("raw-request-uri")) {
        headers.computeIfAbsent(header.lowercaseName(), n -> new ArrayList<>()).add(header.value());
      }
    }
    if (!body.getContentType().equals(ContentTypes.NO_CONTENT_TYPE)) {
      headers.put("content-type", List.of(body.getContentType().toString()));
    }
    headers.put("content-length", List.of(Integer.toString(body.getData().size())));
    byte[] bytes = body.getData().toArray();
    return new SigV4.SignedRequest(request.method().value(),
        query < 0 ? target : target.substring(0, query), query < 0 ? null : target.substring(query + 1),
        headers, bytes, security.tls().isPresent());
  }

  private HttpResponse tooLarge() {
    return errorResponse(StatusCodes.PAYLOAD_TOO_LARGE, "ClientException", "The request body is larger than "
        + security.maxRequestBytes() + " bytes (drover.controller.http.max-request-size), the most Drover accepts.");
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
    Throwable e = unwrap(failure);
    if (e instanceof AuthenticationError auth) {
      return errorResponse(StatusCodes.get(auth.status()), auth.code(), auth.getMessage());
    }
    if (e instanceof ClientError) {
      return errorResponse(StatusCodes.BAD_REQUEST, "ClientException", e.getMessage());
    }
    if (e instanceof ApiException api) {
      return errorResponse(api.status(), api.type(), api.getMessage());
    }
    if (e instanceof ControlPlaneClient.ControlPlaneUnavailable) {
      return errorResponse(StatusCodes.SERVICE_UNAVAILABLE, "ServerException", e.getMessage());
    }
    if (timedOut(e)) {
      log.warn("A request timed out inside Drover: {}", e.getMessage());
      return errorResponse(StatusCodes.SERVICE_UNAVAILABLE, "ServerException",
          "Drover did not finish the request in time (a controller or Cassandra is slow or restarting). "
              + "It may or may not have taken effect; check with a Describe call before retrying.");
    }
    log.error("Request failed unexpectedly", e);
    return errorResponse(StatusCodes.INTERNAL_SERVER_ERROR, "ServerException",
        "Drover failed to serve the request: " + e + ". The controller log has the details.");
  }

  /** The failure a stage's {@link CompletionException} carries, or the failure itself. */
  static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }

  /** Whether an entity, queue or the control plane did not answer within {@code ask-timeout}. */
  static boolean timedOut(Throwable e) {
    return e instanceof AskTimeoutException || e instanceof TimeoutException;
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
