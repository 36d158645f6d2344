package io.drover.node.upgrade;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** The two Pekko Management endpoints the upgrade reads: {@code /cluster/members} and {@code /ready}. */
final class ManagementClient {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(CONNECT_TIMEOUT)
      .followRedirects(HttpClient.Redirect.NEVER)
      .build();

  /** The node's view of the cluster; an IOException when it does not answer 200 with that JSON. */
  Membership members(URI management, Duration timeout) throws IOException, InterruptedException {
    HttpResponse<String> response = get(management, "/cluster/members", timeout);
    if (response.statusCode() != 200) {
      throw new IOException("it answers " + response.statusCode());
    }
    return Membership.parse(response.body());
  }

  /** The status {@code GET /ready} answers: 200 once the node is ready. */
  int ready(URI management, Duration timeout) throws IOException, InterruptedException {
    return get(management, "/ready", timeout).statusCode();
  }

  private HttpResponse<String> get(URI management, String path, Duration timeout) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(management + path)).timeout(timeout).GET().build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** What went wrong with a request, for a line an operator reads. */
  static String describe(IOException e) {
    if (e instanceof ConnectException) {
      return e.getMessage() != null ? "cannot connect: " + e.getMessage() : "cannot connect";
    }
    if (e instanceof HttpTimeoutException) {
      return "no answer in time";
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
