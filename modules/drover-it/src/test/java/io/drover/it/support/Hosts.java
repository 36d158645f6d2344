package io.drover.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.node.admin.SignedClient;
import java.io.IOException;
import java.net.http.HttpResponse;

/** Reads the scheduler's view of the hosts through {@code GET /drover/v1/hosts}. */
public final class Hosts {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Hosts() {}

  /** Host {@code hostId} as {@code client}'s controller lists it (connected or not), or null when it lists none such. */
  public static JsonNode find(SignedClient client, String hostId) {
    try {
      HttpResponse<String> response = client.get("/drover/v1/hosts");
      assertEquals(200, response.statusCode(), response.body());
      for (JsonNode host : JSON.readTree(response.body()).path("hosts")) {
        if (host.path("hostId").asText().equals(hostId)) {
          return host;
        }
      }
      return null;
    } catch (IOException e) {
      throw new AssertionError("GET /drover/v1/hosts failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted during GET /drover/v1/hosts", e);
    }
  }
}
