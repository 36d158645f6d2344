package io.drover.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import io.drover.node.cassandra.RepoRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The deployment files under deploy/ (container image, systemd units, EC2 user data and launch
 * template, CloudFormation template) hold together and agree with the configuration they feed:
 * every reference resolves, ports and environment variables are the ones conf/ reads.
 */
class DeployFilesTest {

  private static final String SETTINGS_END = "# --- end of settings";
  private static final Set<String> PSEUDO_PARAMETERS =
      Set.of("AWS::AccountId", "AWS::NoValue", "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix");
  private static final Pattern ENV_NAME = Pattern.compile("\\b(DROVER_[A-Z0-9_]+|DOCKER_HOST)\\b");
  private static final Pattern CONF_ENV = Pattern.compile("\\$\\{\\?([A-Z0-9_]+)}");
  private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^!}][^}]*)}");

  private static Path root;
  private static Map<String, Object> template;
  private static Map<String, Object> parameters;
  private static Map<String, Object> resources;
  private static Map<String, Object> conditions;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void load() throws IOException {
    root = RepoRoot.locate();
    template = new Yaml(new CloudFormationConstructor()).load(read("deploy/cloudformation/drover.yaml"));
    parameters = (Map<String, Object>) template.get("Parameters");
    resources = (Map<String, Object>) template.get("Resources");
    conditions = (Map<String, Object>) template.getOrDefault("Conditions", Map.of());
  }

  // --- CloudFormation ------------------------------------------------------------------------------

  @Test
  void everyResourceHasATypeAndKnownCondition() {
    assertTrue(Set.of("AWSTemplateFormatVersion", "Description", "Parameters", "Conditions", "Resources", "Outputs")
        .containsAll(template.keySet()), template.keySet().toString());
    assertFalse(resources.isEmpty());
    resources.forEach((name, value) -> {
      Map<String, Object> resource = map(value);
      assertTrue(String.valueOf(resource.get("Type")).matches("AWS::[A-Za-z0-9]+::[A-Za-z0-9]+"), name + " has no Type");
      Object condition = resource.get("Condition");
      assertTrue(condition == null || conditions.containsKey(condition), name + ": unknown condition " + condition);
      Object dependsOn = resource.get("DependsOn");
      assertTrue(dependsOn == null || resources.containsKey(dependsOn), name + ": DependsOn " + dependsOn);
    });
  }

  @Test
  void everyReferenceNamesAParameterOrResource() {
    List<String> problems = new ArrayList<>();
    checkReferences(template, Set.of(), problems, "template");
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void theReferenceCheckFindsAnUnknownName() {
    List<String> problems = new ArrayList<>();
    checkReferences(Map.of("Ref", "NoSuchThing"), Set.of(), problems, "test");
    checkReferences(Map.of("Fn::Sub", "${Missing.PrivateIp} ${ClusterName}"), Set.of(), problems, "test");
    checkReferences(Map.of("Fn::GetAtt", List.of("Nothing", "Arn")), Set.of(), problems, "test");
    assertEquals(3, problems.size(), problems.toString());
  }

  @Test
  void securityGroupsOpenOnlyTheDocumentedPortsToTheRightPeers() {
    Config config = NodeConfig.load(root.resolve("conf/controller.conf"), Map.of("drover.cassandra.contact-points", "cassandra:9042"));
    int remoting = config.getInt("pekko.remote.artery.canonical.port");
    int management = config.getInt("pekko.management.http.port");
    int api = config.getInt("drover.controller.http.port");
    int cql = Integer.parseInt(config.getStringList("datastax-java-driver.basic.contact-points").get(0).split(":")[1]);
    Map<Integer, Set<String>> allowedGroups = Map.of(
        remoting, Set.of("ControllerSecurityGroup", "AgentSecurityGroup"),
        management, Set.of("ControllerSecurityGroup", "AgentSecurityGroup"),
        api, Set.of("ControllerSecurityGroup"),
        cql, Set.of("CassandraSecurityGroup"),
        7000, Set.of("CassandraSecurityGroup"));
    Set<Integer> opened = new TreeSet<>();
    for (Map.Entry<String, Object> entry : resources.entrySet()) {
      Map<String, Object> resource = map(entry.getValue());
      Map<String, Object> properties = map(resource.get("Properties"));
      if (resource.get("Type").equals("AWS::EC2::SecurityGroup")) {
        assertFalse(properties.containsKey("SecurityGroupIngress"), entry.getKey() + ": ingress belongs in SecurityGroupIngress resources");
        continue;
      }
      if (!resource.get("Type").equals("AWS::EC2::SecurityGroupIngress")) {
        continue;
      }
      String name = entry.getKey();
      assertEquals("tcp", properties.get("IpProtocol"), name);
      int port = ((Number) properties.get("FromPort")).intValue();
      assertEquals(port, ((Number) properties.get("ToPort")).intValue(), name + " opens a range");
      assertTrue(allowedGroups.containsKey(port), name + " opens undocumented port " + port);
      String group = ref(properties.get("GroupId"));
      assertTrue(allowedGroups.get(port).contains(group), name + " opens " + port + " on " + group);
      Object cidr = properties.get("CidrIp");
      if (cidr != null) {
        String source = ref(cidr);
        assertTrue(port == api ? source.equals("ApiAllowedCidr") : port == management && source.equals("OperatorCidr"),
            name + " opens " + port + " to " + source);
      } else {
        assertTrue(resources.containsKey(ref(properties.get("SourceSecurityGroupId"))), name + " has no source");
      }
      opened.add(port);
    }
    assertEquals(new TreeSet<>(allowedGroups.keySet()), opened);
  }

  @Test
  void instancesRequireImdsV2() {
    resources.forEach((name, value) -> {
      Map<String, Object> resource = map(value);
      if (resource.get("Type").equals("AWS::EC2::LaunchTemplate")) {
        Map<String, Object> metadata = map(map(map(resource.get("Properties")).get("LaunchTemplateData")).get("MetadataOptions"));
        assertEquals("required", metadata.get("HttpTokens"), name);
        assertEquals(1, metadata.get("HttpPutResponseHopLimit"), name);
      }
    });
  }

  @Test
  void rolesGrantNamedActionsOnly() {
    List<String> actions = new ArrayList<>();
    resources.forEach((name, value) -> collectActions(value, actions));
    assertTrue(actions.contains("ec2:DescribeInstances"), actions.toString());
    assertTrue(actions.contains("ssm:GetParameter"), actions.toString());
    for (String action : actions) {
      assertFalse(action.contains("*"), "wildcard action " + action);
    }
  }

  @Test
  void launchTemplatesRunTheUserDataScriptWithItsSettings() throws IOException {
    String script = read("deploy/ec2/user-data.sh");
    String body = script.substring(script.indexOf(SETTINGS_END));
    assertFalse(body.contains("${"), "the script's body goes through Fn::Sub: write $name, not ${name}");
    Set<String> settings = settingNames(script.substring(0, script.indexOf(SETTINGS_END)));
    assertTrue(settings.containsAll(Set.of("ROLE", "DIST_URL", "CLUSTER_NAME", "PARAMETER_PATH")), settings.toString());
    for (String name : List.of("ControllerLaunchTemplate", "AgentLaunchTemplate")) {
      String userData = userData(name);
      int end = userData.indexOf(SETTINGS_END);
      assertTrue(end > 0, name + " has no settings block");
      assertEquals(body.strip(), userData.substring(end).strip(),
          name + "'s user data must be deploy/ec2/user-data.sh after its settings (copy it over)");
      assertEquals(settings, settingNames(userData.substring(0, end)), name);
    }
    assertTrue(userData("ControllerLaunchTemplate").contains("ROLE='controller'"));
    assertTrue(userData("AgentLaunchTemplate").contains("ROLE='agent'"));
  }

  @Test
  void theCassandraNodesRunOneScript() {
    List<Object> scripts = Stream.of("CassandraNode1", "CassandraNode2", "CassandraNode3")
        .map(name -> map(map(map(map(resources.get(name)).get("Properties")).get("UserData")).get("Fn::Base64")).get("Fn::Sub"))
        .map(sub -> list(sub).get(0))
        .toList();
    assertTrue(String.valueOf(scripts.get(0)).contains("systemctl restart cassandra"), scripts.get(0).toString());
    assertEquals(1, Set.copyOf(scripts).size());
  }

  @Test
  void userDataScriptsAreValidBash() throws Exception {
    bashSyntax(read("deploy/ec2/user-data.sh"), "deploy/ec2/user-data.sh");
    bashSyntax(read("modules/drover-node/src/dist/drover"), "the release's launcher");
    bashSyntax(userData("ControllerLaunchTemplate"), "ControllerLaunchTemplate");
    bashSyntax(userData("AgentLaunchTemplate"), "AgentLaunchTemplate");
    Object cassandra = list(map(map(map(map(resources.get("CassandraNode1")).get("Properties")).get("UserData")).get("Fn::Base64")).get("Fn::Sub")).get(0);
    bashSyntax((String) cassandra, "CassandraNode1");
  }

  @Test
  void theBashCheckRejectsABrokenScript() {
    assertFalse(bashAccepts("if true; then echo"));
  }

  // --- EC2 launch template -------------------------------------------------------------------------

  @Test
  void theAgentLaunchTemplateRequiresImdsV2AndTagsAgents() throws IOException {
    JsonNode data = new ObjectMapper().readTree(read("deploy/ec2/agent-launch-template.json")).get("LaunchTemplateData");
    assertEquals("required", data.at("/MetadataOptions/HttpTokens").asText());
    assertEquals("enabled", data.at("/MetadataOptions/HttpEndpoint").asText());
    assertTrue(data.at("/MetadataOptions/HttpPutResponseHopLimit").asInt() >= 1);
    assertTrue(data.at("/ImageId").asText().startsWith("resolve:ssm:/aws/service/"));
    Map<String, String> tags = new LinkedHashMap<>();
    data.at("/TagSpecifications/0/Tags").forEach(tag -> tags.put(tag.get("Key").asText(), tag.get("Value").asText()));
    assertEquals("agent", tags.get("drover:role"));
    assertTrue(tags.containsKey("drover:cluster"));
  }

  // --- systemd -------------------------------------------------------------------------------------

  @Test
  void theUnitsStartTheReleaseAndOutlastTheirShutdown() throws IOException {
    String launcher = read("modules/drover-node/src/dist/drover");
    Config agent = NodeConfig.load(root.resolve("conf/agent.conf"), Map.of("drover.cassandra.contact-points", "cassandra:9042"));
    Duration drain = agent.getDuration("drover.agent.drain-grace");
    Duration drainPhase = agent.getDuration("pekko.coordinated-shutdown.phases.service-requests-done.timeout");
    for (String role : List.of("controller", "agent")) {
      Map<String, Map<String, List<String>>> unit = ini(read("deploy/systemd/drover-" + role + ".service"));
      Map<String, List<String>> service = unit.get("Service");
      assertTrue(unit.containsKey("Unit") && unit.containsKey("Install") && service != null, role);
      assertEquals(List.of("/opt/drover/current/drover " + role), service.get("ExecStart"), role);
      assertTrue(launcher.contains("controller|agent"), "the launcher runs " + role);
      assertTrue(service.get("EnvironmentFile").contains("/etc/drover/" + role + ".env"), role);
      assertEquals(List.of("on-failure"), service.get("Restart"), role);
      assertEquals(List.of("SIGTERM"), service.get("KillSignal"), role);
      assertEquals(List.of("drover"), service.get("User"), role);
      assertEquals(List.of("yes"), service.get("NoNewPrivileges"), role);
      assertEquals(List.of("strict"), service.get("ProtectSystem"), role);
      assertTrue(Integer.parseInt(service.get("LimitNOFILE").get(0)) >= 65536, role);
      Duration stop = systemdDuration(service.get("TimeoutStopSec").get(0));
      if (role.equals("agent")) {
        assertTrue(stop.compareTo(drain) > 0 && stop.compareTo(drainPhase) > 0,
            "TimeoutStopSec " + stop + " must outlast the drain (" + drain + ") and its shutdown phase (" + drainPhase + ")");
        assertEquals(List.of("docker"), service.get("SupplementaryGroups"));
      }
    }
    Map<String, List<String>> process = ini(read("deploy/systemd/drover-agent-process.conf")).get("Service");
    assertEquals(List.of("root"), process.get("User"));
    assertTrue(process.get("CapabilityBoundingSet").get(0).contains("CAP_SETUID"));
  }

  @Test
  void systemdDurationsParse() {
    assertEquals(Duration.ofMinutes(6), systemdDuration("6min"));
    assertEquals(Duration.ofSeconds(90), systemdDuration("1min 30s"));
    assertEquals(Duration.ofSeconds(330), systemdDuration("330"));
  }

  // --- Container image -----------------------------------------------------------------------------

  @Test
  void theImageIsPinnedUnprivilegedAndHealthChecked() throws IOException {
    String dockerfile = read("deploy/docker/Dockerfile");
    Matcher base = Pattern.compile("(?m)^ARG JRE_IMAGE=eclipse-temurin:(\\S+)$").matcher(dockerfile);
    assertTrue(base.find(), "the base image is an eclipse-temurin ARG");
    assertTrue(base.group(1).matches("17\\.[0-9.]+_[0-9]+-jre(-[a-z]+)?"), "pinned Java 17 JRE tag: " + base.group(1));
    assertTrue(dockerfile.contains("FROM ${JRE_IMAGE} AS base"));
    assertTrue(dockerfile.contains("\nUSER drover\n"));
    assertTrue(dockerfile.contains("HEALTHCHECK") && dockerfile.contains("GET /ready HTTP/1.1"));
    assertTrue(dockerfile.contains("Host: localhost"), "Pekko HTTP answers a request without a Host header with 400");
    assertTrue(dockerfile.contains("EXPOSE 25520 8558"));
    for (String role : List.of("controller", "agent")) {
      assertTrue(dockerfile.contains("FROM base AS " + role + "\n"), role);
      assertTrue(dockerfile.contains("ENTRYPOINT [\"/opt/drover/current/drover\", \"" + role + "\"]"), role);
    }
    assertTrue(dockerfile.contains("COPY --chown=root:root . /opt/drover/current/"));
    assertFalse(dockerfile.matches("(?s).*\\b(curl|wget|apt-get)\\b.*"), "the image downloads nothing");
  }

  // --- Environment variables -----------------------------------------------------------------------

  @Test
  void everyVariableTheDeployFilesSetIsOneTheConfigurationReads() throws IOException {
    Set<String> read = confVariables();
    assertTrue(read.contains("DROVER_CASSANDRA_CONTACT_POINTS") && read.contains("DROVER_TLS_KEYSTORE"), read.toString());
    // Read by the release's launcher, not by conf/.
    Set<String> launcher = Set.of("DROVER_JAVA_OPTS");
    assertTrue(read("modules/drover-node/src/dist/drover").contains("${DROVER_JAVA_OPTS:-"));
    // Read by the logging configuration the node jar carries.
    Set<String> logging = Set.of("DROVER_LOG_FORMAT");
    assertTrue(read("modules/drover-node/src/main/resources/logback.xml").contains("DROVER_LOG_FORMAT"));
    Set<String> unknown = new TreeSet<>();
    for (String file : List.of("deploy/docker/Dockerfile", "deploy/systemd/drover-controller.service", "deploy/systemd/drover-agent.service",
        "deploy/systemd/drover-agent-process.conf", "deploy/systemd/drover.env.example", "deploy/ec2/user-data.sh",
        "deploy/ec2/agent-launch-template.json", "deploy/cloudformation/drover.yaml")) {
      Matcher m = ENV_NAME.matcher(read(file));
      while (m.find()) {
        if (!read.contains(m.group(1)) && !launcher.contains(m.group(1)) && !logging.contains(m.group(1))) {
          unknown.add(m.group(1) + " (" + file + ")");
        }
      }
    }
    assertTrue(unknown.isEmpty(), "not read by conf/*.conf: " + unknown);
  }

  @Test
  void theEnvironmentExampleListsEverySetting() throws IOException {
    String example = read("deploy/systemd/drover.env.example");
    Set<String> missing = new TreeSet<>();
    for (String name : confVariables()) {
      if (!example.contains("#" + name + "=")) {
        missing.add(name);
      }
    }
    assertTrue(missing.isEmpty(), "deploy/systemd/drover.env.example lacks " + missing);
    assertFalse(Pattern.compile("(?m)^[A-Z]").matcher(example).find(), "every setting in the example is commented out");
  }

  // --- Helpers -------------------------------------------------------------------------------------

  private static Set<String> confVariables() throws IOException {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> files = Files.list(root.resolve("conf"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".conf")).toList()) {
        Matcher m = CONF_ENV.matcher(Files.readString(file));
        while (m.find()) {
          names.add(m.group(1));
        }
      }
    }
    return names;
  }

  private static void checkReferences(Object node, Set<String> subVariables, List<String> problems, String where) {
    if (node instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String key = String.valueOf(e.getKey());
        Object value = e.getValue();
        String here = where + "." + key;
        switch (key) {
          case "Ref" -> {
            if (!known(String.valueOf(value))) {
              problems.add(here + ": Ref to unknown " + value);
            }
          }
          case "Fn::GetAtt" -> {
            String resource = String.valueOf(list(value).get(0));
            if (!resources.containsKey(resource)) {
              problems.add(here + ": GetAtt of unknown resource " + resource);
            }
          }
          case "Fn::If" -> {
            if (!conditions.containsKey(String.valueOf(list(value).get(0)))) {
              problems.add(here + ": unknown condition " + list(value).get(0));
            }
            checkReferences(list(value).subList(1, list(value).size()), subVariables, problems, here);
          }
          case "Fn::Sub" -> {
            String text;
            Set<String> local = new TreeSet<>();
            if (value instanceof List<?> l) {
              text = String.valueOf(l.get(0));
              local.addAll(map(l.get(1)).keySet());
              checkReferences(l.get(1), subVariables, problems, here);
            } else {
              text = String.valueOf(value);
            }
            Matcher v = SUB_VARIABLE.matcher(text);
            while (v.find()) {
              String name = v.group(1);
              String target = name.contains(".") && !name.startsWith("AWS::") ? name.substring(0, name.indexOf('.')) : name;
              if (!local.contains(name) && !(name.contains(".") ? resources.containsKey(target) : known(name))) {
                problems.add(here + ": ${" + name + "} names nothing");
              }
            }
          }
          default -> checkReferences(value, subVariables, problems, here);
        }
      }
    } else if (node instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        checkReferences(l.get(i), subVariables, problems, where + "[" + i + "]");
      }
    }
  }

  private static boolean known(String name) {
    return parameters.containsKey(name) || resources.containsKey(name) || PSEUDO_PARAMETERS.contains(name);
  }

  private static void collectActions(Object node, List<String> actions) {
    if (node instanceof Map<?, ?> m) {
      m.forEach((k, v) -> {
        if ("Action".equals(k)) {
          if (v instanceof List<?> l) {
            l.forEach(a -> actions.add(String.valueOf(a)));
          } else {
            actions.add(String.valueOf(v));
          }
        } else {
          collectActions(v, actions);
        }
      });
    } else if (node instanceof List<?> l) {
      l.forEach(item -> collectActions(item, actions));
    }
  }

  private static String userData(String launchTemplate) {
    Map<String, Object> data = map(map(map(resources.get(launchTemplate)).get("Properties")).get("LaunchTemplateData"));
    Object sub = map(map(data.get("UserData")).get("Fn::Base64")).get("Fn::Sub");
    return String.valueOf(sub instanceof List<?> l ? l.get(0) : sub);
  }

  private static Set<String> settingNames(String settingsBlock) {
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^([A-Z_]+)='[^']*'$").matcher(settingsBlock);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static String ref(Object value) {
    return String.valueOf(map(value).get("Ref"));
  }

  private static void bashSyntax(String script, String what) {
    assertTrue(bashAccepts(script), what + " is not valid bash (bash -n)");
  }

  private static boolean bashAccepts(String script) {
    try {
      Path file = Files.createTempFile("drover-deploy", ".sh");
      try {
        Files.writeString(file, script);
        Process bash = new ProcessBuilder("bash", "-n", file.toString()).redirectErrorStream(true).start();
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = bash.waitFor();
        if (exit != 0) {
          System.err.println(output);
        }
        return exit == 0;
      } finally {
        Files.delete(file);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run bash -n", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A systemd unit file: section, then key, then its values in order. */
  private static Map<String, Map<String, List<String>>> ini(String text) {
    Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
    Map<String, List<String>> current = null;
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        current = sections.computeIfAbsent(line.substring(1, line.length() - 1), s -> new LinkedHashMap<>());
        continue;
      }
      int eq = line.indexOf('=');
      assertTrue(current != null && eq > 0, "not a key=value in a section: " + line);
      current.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
    }
    return sections;
  }

  /** systemd's time span: "330" (seconds), "6min", "1min 30s". */
  private static Duration systemdDuration(String text) {
    if (text.matches("[0-9]+")) {
      return Duration.ofSeconds(Long.parseLong(text));
    }
    Duration total = Duration.ZERO;
    Matcher m = Pattern.compile("([0-9]+)\\s*(min|s|h)").matcher(text);
    int matched = 0;
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "h" -> Duration.ofHours(n);
        case "min" -> Duration.ofMinutes(n);
        default -> Duration.ofSeconds(n);
      });
      matched += m.group().length();
    }
    assertEquals(text.replace(" ", "").length(), matched, "unsupported time span " + text);
    return total;
  }

  private static String read(String path) throws IOException {
    return Files.readString(root.resolve(path));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    assertTrue(value instanceof Map, "expected a mapping, got " + value);
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object value) {
    assertTrue(value instanceof List, "expected a list, got " + value);
    return (List<Object>) value;
  }

  /** Reads CloudFormation's short forms (!Ref, !Sub, !GetAtt, ...) as their long forms. */
  private static final class CloudFormationConstructor extends SafeConstructor {

    CloudFormationConstructor() {
      super(new LoaderOptions());
      for (String function : List.of("Ref", "Sub", "GetAtt", "If", "Not", "Equals", "And", "Or", "Select", "Join", "Split",
          "Base64", "FindInMap", "GetAZs", "ImportValue", "Condition", "Cidr")) {
        yamlConstructors.put(new Tag("!" + function), new ShortForm(function));
      }
    }

    private final class ShortForm extends AbstractConstruct {
      private final String function;

      ShortForm(String function) {
        this.function = function;
      }

      @Override
      public Object construct(Node node) {
        Object value;
        if (node instanceof ScalarNode scalar) {
          value = constructScalar(scalar);
        } else if (node instanceof SequenceNode sequence) {
          value = constructSequence(sequence);
        } else {
          value = constructMapping((MappingNode) node);
        }
        return switch (function) {
          case "Ref", "Condition" -> Map.of(function, value);
          case "GetAtt" -> Map.of("Fn::GetAtt", value instanceof String s ? List.of(s.split("\\.", 2)) : value);
          default -> Map.of("Fn::" + function, value);
        };
      }
    }
  }
}
