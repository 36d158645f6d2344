package io.drover.node.upgrade;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.drover.node.upgrade.RollingUpgrade.Node;
import io.drover.node.upgrade.RollingUpgrade.Role;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for the Pekko Management endpoints of a cluster's nodes: each node answers
 * {@code /cluster/members} and {@code /ready} on its own port on 127.0.0.1, from one shared
 * membership that a test changes (restart a node, make it never ready, mark one unreachable).
 */
final class FakeCluster implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicLong UIDS = new AtomicLong(1000);

  /** One node: its management server and what it serves. */
  final class FakeNode {
    final String name;
    final Role role;
    final String address;
    private final HttpServer server;
    volatile String uid = Long.toString(UIDS.incrementAndGet());
    volatile String status = "Up";
    /** How many more {@code /ready} requests answer 503 before the node is Up and ready. */
    private final AtomicInteger notReadyFor = new AtomicInteger();

    private FakeNode(String name, Role role, String address) throws IOException {
      this.name = name;
      this.role = role;
      this.address = address;
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/cluster/members", exchange -> answer(exchange, 200, membersJson(this)));
      server.createContext("/ready", exchange -> {
        if (notReadyFor.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          answer(exchange, 503, "Not Healthy");
        } else {
          status = "Up";
          answer(exchange, 200, "OK");
        }
      });
      server.start();
    }

    Node node() {
      return new Node(name, role, URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
    }

    /** What a restart does: a new incarnation that joins, then is ready after {@code readyAfter} polls of /ready. */
    void restart(int readyAfter) {
      uid = Long.toString(UIDS.incrementAndGet());
      status = "Joining";
      notReadyFor.set(readyAfter);
    }
  }

  private final List<FakeNode> nodes = new CopyOnWriteArrayList<>();
  final Set<String> unreachable = ConcurrentHashMap.newKeySet();
  volatile String oldestController;

  FakeNode add(String name, Role role) {
    try {
      FakeNode node = new FakeNode(name, role, "pekko://drover@127.0.0.1:" + (25520 + nodes.size()));
      nodes.add(node);
      if (role == Role.CONTROLLER && oldestController == null) {
        oldestController = node.address;
      }
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  FakeNode node(String name) {
    return nodes.stream().filter(node -> node.name.equals(name)).findFirst().orElseThrow();
  }

  private String membersJson(FakeNode self) throws IOException {
    List<Map<String, Object>> members = new ArrayList<>();
    for (FakeNode node : nodes) {
      members.add(Map.of("node", node.address, "nodeUid", node.uid, "status", node.status,
          "roles", List.of(node.role.clusterRole(), "dc-default")));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("selfNode", self.address);
    body.put("members", members);
    body.put("unreachable", unreachable.stream().map(node -> Map.of("node", node, "observedBy", List.of(self.address))).toList());
    body.put("leader", nodes.get(0).address);
    body.put("oldest", oldestController);
    body.put("oldestPerRole", Map.of("controller", oldestController, "dc-default", oldestController));
    return JSON.writeValueAsString(body);
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", status == 200 && body.startsWith("{") ? "application/json" : "text/plain");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    nodes.forEach(node -> node.server.stop(0));
  }
}
