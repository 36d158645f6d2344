package io.drover.agent.spot;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the EC2 instance metadata service on loopback, speaking IMDSv2: {@code PUT
 * /latest/api/token} hands out a token, and reads without it are refused (401). It serves the Spot
 * notices a test sets, 404 otherwise, and records every request.
 */
public final class ImdsStandIn implements AutoCloseable {

  public static final String TOKEN = "drover-test-token";

  /** One request as received: method, path and whether it carried the session token. */
  public record Request(String method, String path, boolean withToken) {}

  private final HttpServer server;
  private final Map<String, String> documents = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile boolean failing;

  public ImdsStandIn() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The base URL to give the agent ({@code drover.agent.spot.imds-endpoint}). */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** From now on, {@code spot/instance-action} announces that EC2 terminates the instance at {@code time}. */
  public void interruptAt(Instant time) {
    documents.put(InstanceMetadata.INSTANCE_ACTION, "{\"action\": \"terminate\", \"time\": \"" + time + "\"}");
  }

  /** From now on, a rebalance recommendation noticed at {@code time} is served. */
  public void recommendRebalance(Instant time) {
    documents.put(InstanceMetadata.REBALANCE, "{\"noticeTime\": \"" + time + "\"}");
  }

  /** From now on, the instance's Availability Zone is {@code zone}. */
  public void availabilityZone(String zone) {
    documents.put(InstanceMetadata.AVAILABILITY_ZONE, zone);
  }

  /** While true, every request gets a 500, as from a metadata service in trouble. */
  public void failing(boolean value) {
    failing = value;
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    boolean withToken = TOKEN.equals(exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token"));
    requests.add(new Request(exchange.getRequestMethod(), path, withToken));
    if (failing) {
      respond(exchange, 500, "Internal Server Error", Map.of());
    } else if (exchange.getRequestMethod().equals("PUT") && path.equals("/latest/api/token")) {
      boolean ttl = exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token-ttl-seconds") != null;
      respond(exchange, ttl ? 200 : 400, ttl ? TOKEN : "missing X-aws-ec2-metadata-token-ttl-seconds",
          Map.of("X-aws-ec2-metadata-token-ttl-seconds", "21600"));
    } else if (!withToken) {
      respond(exchange, 401, "", Map.of());
    } else {
      String document = documents.get(path);
      respond(exchange, document == null ? 404 : 200, document == null ? "Not Found" : document, Map.of());
    }
  }

  private static void respond(HttpExchange exchange, int status, String body, Map<String, String> headers)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
