package io.drover.node.discovery;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A stand-in for the EC2 Query API on 127.0.0.1: it records every request the SDK sends and answers
 * each with the next queued answer (real EC2 XML), or a 500 error when none is left.
 */
final class Ec2StandIn implements AutoCloseable {

  private static final String NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";
  private static final String LOOPBACK = "127.0.0.1";

  /** A request as received: its HTTP method, form parameters and Authorization header. */
  record Request(String method, Map<String, String> form, String authorization) {}

  private record Answer(int status, String xml) {}

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();

  Ec2StandIn() throws IOException {
    server = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  URI endpoint() {
    return URI.create("http://" + LOOPBACK + ":" + server.getAddress().getPort());
  }

  void answer(int status, String xml) {
    answers.add(new Answer(status, xml));
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    requests.add(new Request(exchange.getRequestMethod(), form(body),
        exchange.getRequestHeaders().getFirst("Authorization")));
    Answer answer = answers.poll();
    if (answer == null) {
      answer = new Answer(500, error("InternalError", "The stand-in has no answer queued."));
    }
    byte[] bytes = answer.xml().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/xml;charset=UTF-8");
    exchange.sendResponseHeaders(answer.status(), bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Map<String, String> form(String body) {
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      form.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return form;
  }

  /** A DescribeInstances answer page; {@code nextToken} null on the last page. */
  static String page(String nextToken, String... reservations) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<DescribeInstancesResponse xmlns=\"" + NAMESPACE + "\">\n"
        + "  <requestId>8f7724cf-496f-496e-8fe3-2bc1e8f5a1d0</requestId>\n"
        + "  <reservationSet>\n" + String.join("", reservations) + "  </reservationSet>\n"
        + (nextToken == null ? "" : "  <nextToken>" + nextToken + "</nextToken>\n")
        + "</DescribeInstancesResponse>\n";
  }

  /** A reservation of running instances, one per private IP; a null IP is an instance without one. */
  static String reservation(String reservationId, String... privateIps) {
    String instances = Stream.of(privateIps).map(Ec2StandIn::instance).collect(Collectors.joining());
    return "    <item>\n"
        + "      <reservationId>" + reservationId + "</reservationId>\n"
        + "      <ownerId>123456789012</ownerId>\n"
        + "      <groupSet/>\n"
        + "      <instancesSet>\n" + instances + "      </instancesSet>\n"
        + "    </item>\n";
  }

  private static String instance(String privateIp) {
    String id = privateIp == null ? "i-0noprivateip" : "i-0" + privateIp.replace(".", "");
    String address = privateIp == null ? "" : "          <privateDnsName>ip-" + privateIp.replace('.', '-')
        + ".eu-west-1.compute.internal</privateDnsName>\n"
        + "          <privateIpAddress>" + privateIp + "</privateIpAddress>\n";
    return "        <item>\n"
        + "          <instanceId>" + id + "</instanceId>\n"
        + "          <imageId>ami-0abcdef1234567890</imageId>\n"
        + "          <instanceState>\n"
        + "            <code>16</code>\n"
        + "            <name>running</name>\n"
        + "          </instanceState>\n"
        + address
        + "          <instanceType>m5.large</instanceType>\n"
        + "          <tagSet>\n"
        + "            <item><key>drover:cluster</key><value>prod</value></item>\n"
        + "            <item><key>drover:role</key><value>controller</value></item>\n"
        + "          </tagSet>\n"
        + "        </item>\n";
  }

  /** An EC2 error answer body. */
  static String error(String code, String message) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<Response><Errors><Error><Code>" + code + "</Code><Message>" + message + "</Message></Error></Errors>"
        + "<RequestID>ea966190-f9aa-478e-9ede-cb5432daacc0</RequestID></Response>\n";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
