package io.drover.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.http.HttpResponse;

/** Reads job output through Drover's logs endpoint. */
public final class Logs {

  private Logs() {}

  /** The output of a job's attempt as plain text; {@code query} selects, e.g. {@code ?attempt=2}. */
  public static String of(DroverTestNode node, String jobId, String query) {
    HttpResponse<String> response = get(node, "/drover/v1/jobs/" + jobId + "/logs" + query);
    assertEquals(200, response.statusCode(), response.body());
    return response.body();
  }

  public static HttpResponse<String> get(DroverTestNode node, String path) {
    try {
      return node.signed().get(path);
    } catch (IOException e) {
      throw new AssertionError("GET " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted during GET " + path, e);
    }
  }
}
