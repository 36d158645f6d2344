package io.drover.node.admin;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Calls Drover's HTTP API with requests signed by AWS Signature Version 4, as the AWS SDKs sign
 * them, for what the SDKs have no client for: the admin API, logs and the cost report.
 */
public final class SignedClient {

  /** Headers the JDK's client sets itself and refuses to be given. */
  private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

  private final URI endpoint;
  private final String region;
  private final AwsCredentialsIdentity credentials;
  private final Clock clock;
  private final HttpClient http;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  public SignedClient(URI endpoint, String region, AwsCredentialsIdentity credentials) {
    this(endpoint, region, credentials, Clock.systemUTC());
  }

  /** A client that signs at the time {@code clock} says (a skewed clock shows what a server refuses). */
  public SignedClient(URI endpoint, String region, AwsCredentialsIdentity credentials, Clock clock) {
    this.endpoint = endpoint;
    this.region = region;
    this.credentials = credentials;
    this.clock = clock;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** {@code POST path} with a JSON body. */
  public HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
    return send("POST", path, json);
  }

  /** {@code GET path} (the path may carry a query). */
  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send("GET", path, null);
  }

  private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
    return http.send(request(method, path, body), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** The signed request, for callers that read the response their own way (an event stream). */
  public HttpRequest request(String method, String path, String body) {
    // A fresh id per call, signed like the SDKs' own: identical calls in one second stay distinct, not replays.
    return request(method, path, body, UUID.randomUUID().toString());
  }

  /**
   * The signed request of a call with the given {@code amz-sdk-invocation-id}: the SDKs send the
   * same id again when they retry a call by themselves.
   */
  public HttpRequest request(String method, String path, String body, String invocationId) {
    URI uri = endpoint.resolve(path);
    SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri)
        .putHeader("amz-sdk-invocation-id", invocationId);
    if (body != null) {
      unsigned.putHeader("Content-Type", "application/json");
    }
    SignedRequest signed = signer.sign(r -> r
        .identity(credentials)
        .request(unsigned.build())
        .payload(body == null ? null : ContentStreamProvider.fromUtf8String(body))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "batch")
        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
        .putProperty(HttpSigner.SIGNING_CLOCK, clock));
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
        .method(method, body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    signed.request().headers().forEach((name, values) -> {
      if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
        for (String value : List.copyOf(values)) {
          request.header(name, value);
        }
      }
    });
    return request.build();
  }

  public HttpClient http() {
    return http;
  }

  /**
   * Why no credentials were found, in a line: the SDK's own message, except for its default chain's,
   * which lists every provider it tried at length.
   */
  public static String whyNoCredentials(RuntimeException e) {
    String message = String.valueOf(e.getMessage());
    return message.startsWith("Unable to load credentials from any of the providers in the chain")
        ? "none in the environment, the default profile or the instance metadata"
        : message;
  }
}
