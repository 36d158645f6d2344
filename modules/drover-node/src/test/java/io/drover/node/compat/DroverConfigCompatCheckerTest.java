package io.drover.node.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import io.drover.controller.ClusterShards;
import io.drover.node.NodeConfig;
import io.drover.node.cassandra.RepoRoot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.pekko.cluster.ConfigValidation;
import org.apache.pekko.cluster.Invalid;
import org.apache.pekko.cluster.Valid;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

class DroverConfigCompatCheckerTest {

  private final DroverConfigCompatChecker checker = new DroverConfigCompatChecker();

  /** A node as ./drover controller configures it. */
  private static final Config CONTROLLER = mode("controller");

  /** A value different from the controller's for every setting the checker compares. */
  private static final Map<String, Object> DIFFERENT = Map.ofEntries(
      Map.entry("drover.aws.region", "eu-west-1"),
      Map.entry("drover.aws.account-id", "123456789012"),
      Map.entry("pekko.persistence.cassandra.journal.keyspace", "staging_journal"),
      Map.entry("pekko.persistence.cassandra.snapshot.keyspace", "staging_snapshot"),
      Map.entry("pekko.persistence.cassandra.events-by-tag.bucket-size", "Day"),
      Map.entry("drover.controller.read-side.keyspace", "staging"),
      Map.entry("pekko.projection.cassandra.offset-store.keyspace", "staging_offsets"),
      Map.entry("drover.controller.read-side.job-tags", 8),
      Map.entry("pekko.cluster.sharding.number-of-shards", 100),
      Map.entry("pekko.cluster.downing-provider-class", ""),
      Map.entry("pekko.cluster.split-brain-resolver.active-strategy", "keep-oldest"),
      Map.entry(DroverConfigCompatChecker.CBOR_BINDING, "jackson-json"),
      Map.entry("pekko.serialization.jackson.jackson-cbor.compression.algorithm", "lz4"),
      Map.entry("pekko.serialization.jackson.jackson-cbor.type-in-manifest", false),
      Map.entry("pekko.remote.artery.advanced.maximum-frame-size", "256 KiB"));

  private static Config mode(String name) {
    return NodeConfig.load(RepoRoot.locate().resolve("conf").resolve(name + ".conf"), Map.of());
  }

  /**
   * What a joining node sends: the checkers' required keys it has, rendered and parsed again as
   * Pekko's cluster message serializer does.
   */
  private Config sentBy(Config node) {
    Map<String, ConfigValue> sent = new HashMap<>();
    for (String key : CollectionConverters.asJava(checker.requiredKeys())) {
      if (node.hasPath(key)) {
        sent.put(key, node.getValue(key));
      }
    }
    return ConfigFactory.parseString(ConfigFactory.parseMap(sent).root().render(ConfigRenderOptions.concise()));
  }

  private static List<String> messages(ConfigValidation validation) {
    return CollectionConverters.asJava(assertInstanceOf(Invalid.class, validation).errorMessages());
  }

  @Test
  void controllersAgentsAndDevNodesAgree() {
    for (String mode : List.of("controller", "agent", "dev")) {
      assertEquals(Valid.getInstance(), checker.check(sentBy(mode(mode)), CONTROLLER), mode);
    }
  }

  @Test
  void everySettingIsComparedAndEachDifferenceNamesTheSettingAndBothValues() {
    assertEquals(DroverConfigCompatChecker.SETTINGS.stream().map(DroverConfigCompatChecker.Setting::name)
        .collect(Collectors.toSet()), DIFFERENT.keySet());
    for (DroverConfigCompatChecker.Setting setting : DroverConfigCompatChecker.SETTINGS) {
      Object value = DIFFERENT.get(setting.name());
      Config joining = CONTROLLER.withValue(setting.name(), ConfigValueFactory.fromAnyRef(value));

      List<String> messages = messages(checker.check(sentBy(joining), CONTROLLER));

      assertEquals(1, messages.size(), messages.toString());
      String message = messages.get(0);
      Object own = CONTROLLER.getValue(setting.pathIn(CONTROLLER)).unwrapped();
      assertTrue(message.startsWith(setting.name() + " must be the same on every node ("), message);
      assertTrue(message.endsWith("the joining node has [" + value + "], this node [" + own + "]"), message);
    }
  }

  @Test
  void aJacksonSettingLeftToTheGeneralSectionIsComparedThere() {
    Config general = CONTROLLER.withoutPath("pekko.serialization.jackson.jackson-cbor.compression")
        .withValue("pekko.serialization.jackson.compression.algorithm", ConfigValueFactory.fromAnyRef("gzip"));

    assertEquals(Valid.getInstance(), checker.check(sentBy(general), CONTROLLER));
    assertTrue(messages(checker.check(sentBy(general.withValue("pekko.serialization.jackson.compression.algorithm",
        ConfigValueFactory.fromAnyRef("off"))), CONTROLLER)).get(0)
        .contains("the joining node has [off], this node [gzip]"));
  }

  @Test
  void equalValuesWrittenDifferentlyAgree() {
    Config joining = CONTROLLER
        .withValue("pekko.cluster.sharding.number-of-shards", ConfigValueFactory.fromAnyRef("1000"))
        .withValue("pekko.remote.artery.advanced.maximum-frame-size", ConfigValueFactory.fromAnyRef(4 * 1024 * 1024));

    assertEquals(Valid.getInstance(), checker.check(sentBy(joining), CONTROLLER));
  }

  @Test
  void theNumberOfShardsIsComparedOnlyBetweenNodesThatHostShards() {
    Config cluster = shards(CONTROLLER, 100);
    Config agent = shards(mode("agent"), 1000);

    assertEquals(Valid.getInstance(), checker.check(sentBy(agent), cluster), "an agent joins");
    assertEquals(Valid.getInstance(), checker.check(sentBy(cluster), agent), "and checks the controller's answer");
    assertEquals(List.of(ClusterShards.NUMBER_OF_SHARDS + " must be the same on every node ("
            + DroverConfigCompatChecker.SETTINGS.stream().filter(s -> s.name().equals(ClusterShards.NUMBER_OF_SHARDS))
                .findFirst().orElseThrow().why() + "): the joining node has [1000], this node [100]"),
        messages(checker.check(sentBy(shards(CONTROLLER, 1000)), cluster)), "a controller");
    assertEquals(1, messages(checker.check(sentBy(agent).withoutPath(DroverConfigCompatChecker.ROLES), cluster)).size(),
        "a node of an older Drover sends no roles, so it is compared as one that may host shards");
  }

  private static Config shards(Config node, int shards) {
    return node.withValue(ClusterShards.NUMBER_OF_SHARDS, ConfigValueFactory.fromAnyRef(shards));
  }

  @Test
  void aSettingTheJoiningNodeDoesNotSendIsNamed() {
    List<String> messages = messages(checker.check(sentBy(CONTROLLER.withoutPath("drover.aws.region")), CONTROLLER));

    assertEquals(List.of("drover.aws.region is missing"), messages);
  }

  @Test
  void theCheckerIsRegisteredWithPekko() {
    assertEquals(DroverConfigCompatChecker.class.getName(),
        CONTROLLER.getString("pekko.cluster.configuration-compatibility-check.checkers.drover"));
  }
}
