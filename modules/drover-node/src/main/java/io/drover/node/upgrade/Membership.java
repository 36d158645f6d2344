package io.drover.node.upgrade;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The cluster as one node sees it: Pekko Management's {@code GET /cluster/members}, e.g.
 * <pre>{@code
 * {"selfNode": "pekko://drover@10.0.0.5:25520",
 *  "members": [{"node": "pekko://drover@10.0.0.5:25520", "nodeUid": "-8744318375426946717",
 *               "status": "Up", "roles": ["controller", "dc-default"]}],
 *  "unreachable": [{"node": "...", "observedBy": ["..."]}],
 *  "oldest": "...", "oldestPerRole": {"controller": "...", "dc-default": "..."}}
 * }</pre>
 */
record Membership(String selfNode, List<Member> members, List<String> unreachable, Map<String, String> oldestPerRole) {

  /** One member: its address, the uid of its incarnation (new at every start), status and roles. */
  record Member(String node, String nodeUid, String status, Set<String> roles) {

    boolean up() {
      return status.equals("Up");
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  static Membership parse(String body) throws IOException {
    JsonNode root = JSON.readTree(body);
    if (root == null || !root.path("selfNode").isTextual() || !root.path("members").isArray()) {
      throw new IOException("not Pekko Management's /cluster/members (no selfNode or members)");
    }
    List<Member> members = new ArrayList<>();
    for (JsonNode member : root.path("members")) {
      Set<String> roles = new LinkedHashSet<>();
      member.path("roles").forEach(role -> roles.add(role.asText()));
      members.add(new Member(
          member.path("node").asText(), member.path("nodeUid").asText(), member.path("status").asText(), roles));
    }
    List<String> unreachable = new ArrayList<>();
    root.path("unreachable").forEach(entry -> unreachable.add(entry.path("node").asText()));
    Map<String, String> oldestPerRole = new LinkedHashMap<>();
    root.path("oldestPerRole").properties().forEach(entry -> oldestPerRole.put(entry.getKey(), entry.getValue().asText()));
    return new Membership(
        root.path("selfNode").asText(), List.copyOf(members), List.copyOf(unreachable), Map.copyOf(oldestPerRole));
  }

  Optional<Member> member(String address) {
    return members.stream().filter(member -> member.node().equals(address)).findFirst();
  }

  /** This node's own entry, once it is a member. */
  Optional<Member> self() {
    return member(selfNode);
  }

  List<Member> notUp() {
    return members.stream().filter(member -> !member.up()).toList();
  }
}
