package io.drover.node.upgrade;

import io.drover.node.upgrade.RollingUpgrade.Node;
import io.drover.node.upgrade.RollingUpgrade.Role;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inventory file of {@code ./drover upgrade}: one node a line,
 * {@code <name> <controller|agent> <management-url> <restart command...>}, fields separated by
 * spaces or tabs, the restart command being the rest of the line (run with {@code sh -c}). Lines
 * whose first non-blank character is {@code #} and blank lines are ignored.
 *
 * @param nodes the nodes, in the file's order
 * @param restartCommands each node's restart command, by name
 */
record Inventory(List<Node> nodes, Map<String, String> restartCommands) {

  static final String FORMAT = "<name> <controller|agent> <management-url> <restart command...>";

  static Inventory read(Path file) throws IOException {
    return parse(Files.readAllLines(file), file.toString());
  }

  /**
   * @param source the file's name, for messages
   * @throws IllegalArgumentException naming every wrong line, its number and what is wrong with it
   */
  static Inventory parse(List<String> lines, String source) {
    List<Node> nodes = new ArrayList<>();
    Map<String, String> commands = new LinkedHashMap<>();
    Map<String, Integer> nameLines = new HashMap<>();
    Map<URI, Integer> urlLines = new HashMap<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      int number = i + 1;
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split("\\s+", 4);
      if (fields.length < 4) {
        problems.add("line " + number + ": expected " + FORMAT + ", found " + fields.length
            + (fields.length == 1 ? " field" : " fields"));
        continue;
      }
      Role role = Arrays.stream(Role.values()).filter(r -> r.clusterRole().equals(fields[1])).findFirst().orElse(null);
      if (role == null) {
        problems.add("line " + number + ": the role must be controller or agent, not '" + fields[1] + "'");
        continue;
      }
      Node node;
      try {
        node = new Node(fields[0], role, new URI(fields[2]));
      } catch (URISyntaxException | IllegalArgumentException e) {
        problems.add("line " + number + ": the management URL must look like http://10.0.0.5:8558, not '" + fields[2] + "'");
        continue;
      }
      Integer nameLine = nameLines.putIfAbsent(node.name(), number);
      if (nameLine != null) {
        problems.add("line " + number + ": the name " + node.name() + " is taken by line " + nameLine);
        continue;
      }
      Integer urlLine = urlLines.putIfAbsent(node.management(), number);
      if (urlLine != null) {
        problems.add("line " + number + ": the management URL " + node.management() + " is on line " + urlLine + " already");
        continue;
      }
      nodes.add(node);
      commands.put(node.name(), fields[3]);
    }
    if (problems.isEmpty() && nodes.isEmpty()) {
      problems.add("it lists no nodes (one a line: " + FORMAT + ")");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("The inventory " + source + " is wrong:\n  " + String.join("\n  ", problems));
    }
    return new Inventory(List.copyOf(nodes), Map.copyOf(commands));
  }
}
