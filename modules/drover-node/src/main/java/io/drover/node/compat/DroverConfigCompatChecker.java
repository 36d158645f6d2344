package io.drover.node.compat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigUtil;
import io.drover.controller.ClusterShards;
import io.drover.protocol.Roles;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.apache.pekko.cluster.ConfigValidation;
import org.apache.pekko.cluster.Invalid;
import org.apache.pekko.cluster.JoinConfigCompatChecker;
import org.apache.pekko.cluster.Valid;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Refuses a node that would join the cluster with a setting every Drover node must share: where
 * the durable state lives (keyspaces, tags), how it is named (region and account in ARNs), how
 * entities are placed and members downed, and how messages are encoded on the wire.
 *
 * <p>Pekko runs the check on the member that receives the join: {@code toCheck} holds the joining
 * node's values of {@link #requiredKeys()}, {@code actualConfig} the member's own configuration.
 * A refusal is logged there as a warning ({@code Found incompatible settings when [address] tried
 * to join: <messages>}); the joining node logs {@code Couldn't join seed nodes because of
 * incompatible cluster configuration} and shuts down. Each message names the setting and both
 * values, so the operator can tell which node to fix. (When the member accepts, the joining node
 * runs the same check on the values the member sends back.)
 *
 * <p>Presence is checked with Pekko's {@link JoinConfigCompatChecker#exists}; values are compared
 * here rather than with {@code fullMatch}, whose message names no values and which compares raw
 * HOCON values (so {@code 1000} and {@code "1000"}, or {@code 4 MiB} and {@code 4194304}, would
 * differ). A setting added to this list in a later version must stay out of the presence check and
 * be compared only where both sides have it, as Pekko's own checkers do with their newer keys: a
 * node of an older version neither sends it nor sends it back.
 */
public final class DroverConfigCompatChecker extends JoinConfigCompatChecker {

  /**
   * A node's roles, sent with the settings so that settings about shards are compared only between
   * nodes that host shards (an older node does not send them and is compared as one that might).
   */
  static final String ROLES = "pekko.cluster.roles";

  /** The serialization binding of everything Drover sends or persists (drover-protocol's reference.conf). */
  static final String CBOR_BINDING =
      ConfigUtil.joinPath("pekko", "actor", "serialization-bindings", "io.drover.core.CborSerializable");

  /**
   * A setting all nodes must agree on.
   *
   * @param paths where its value is read: the first present wins (a Jackson binding's own section,
   *     then the section every binding falls back to, as Pekko reads them); the last is always
   *     present on a Drover node
   * @param why what breaks when two nodes differ
   * @param read the effective value, so that equal values written differently compare equal
   * @param shardHostsOnly compared only between nodes that host shards (controllers)
   */
  record Setting(List<String> paths, String why, BiFunction<Config, String, Object> read, boolean shardHostsOnly) {

    Setting(List<String> paths, String why, BiFunction<Config, String, Object> read) {
      this(paths, why, read, false);
    }

    String name() {
      return paths.get(0);
    }

    String pathIn(Config config) {
      return paths.stream().filter(config::hasPath).findFirst().orElse(null);
    }
  }

  static final List<Setting> SETTINGS = List.of(
      text("drover.aws.region", "it is part of every ARN"),
      text("drover.aws.account-id", "it is part of every ARN"),
      text("pekko.persistence.cassandra.journal.keyspace", "every controller writes and replays the same journal"),
      text("pekko.persistence.cassandra.snapshot.keyspace", "every controller writes and reads the same snapshots"),
      text("pekko.persistence.cassandra.events-by-tag.bucket-size", "projections read tagged events by time bucket"),
      text("drover.controller.read-side.keyspace", "every controller reads and writes the same read side"),
      text("pekko.projection.cassandra.offset-store.keyspace", "projections resume from the offsets stored there"),
      number("drover.controller.read-side.job-tags", "job events are tagged, and projected, by it"),
      new Setting(List.of(ClusterShards.NUMBER_OF_SHARDS), "it decides which shard, and so which controller, holds an entity; only "
          + "controllers host shards, and a cluster's controllers use the number recorded in its cluster_settings",
          Config::getLong, true),
      text("pekko.cluster.downing-provider-class", "members must agree on who downs unreachable members"),
      text("pekko.cluster.split-brain-resolver.active-strategy", "members must agree on which side of a split survives"),
      text(CBOR_BINDING, "it names the serializer of every message and event"),
      new Setting(
          List.of("pekko.serialization.jackson.jackson-cbor.compression.algorithm",
              "pekko.serialization.jackson.compression.algorithm"),
          "every node must read what any node writes, today and after a rollback", Config::getString),
      new Setting(
          List.of("pekko.serialization.jackson.jackson-cbor.type-in-manifest",
              "pekko.serialization.jackson.type-in-manifest"),
          "without the type in the manifest other nodes cannot tell what a message is", Config::getBoolean),
      new Setting(List.of("pekko.remote.artery.advanced.maximum-frame-size"),
          "a larger message (a control-plane snapshot) breaks the connection to a node with a smaller frame",
          Config::getBytes));

  private static final scala.collection.immutable.Seq<String> REQUIRED_KEYS = seq(Stream.concat(
      SETTINGS.stream().flatMap(s -> s.paths().stream()), Stream.of(ROLES)).toList());

  private static final scala.collection.immutable.Seq<String> ALWAYS_PRESENT =
      seq(SETTINGS.stream().map(s -> s.paths().get(s.paths().size() - 1)).toList());

  @Override
  public scala.collection.immutable.Seq<String> requiredKeys() {
    return REQUIRED_KEYS;
  }

  @Override
  public ConfigValidation check(Config toCheck, Config actualConfig) {
    List<String> problems = new ArrayList<>();
    if (JoinConfigCompatChecker.exists(ALWAYS_PRESENT, toCheck) instanceof Invalid missing) {
      problems.addAll(CollectionConverters.asJava(missing.errorMessages()));
    }
    for (Setting setting : SETTINGS) {
      if (setting.shardHostsOnly() && !(hostsShards(toCheck) && hostsShards(actualConfig))) {
        continue;
      }
      String joining = setting.pathIn(toCheck);
      String own = setting.pathIn(actualConfig);
      if (joining != null && own != null
          && !Objects.equals(value(setting, toCheck, joining), value(setting, actualConfig, own))) {
        problems.add(setting.name() + " must be the same on every node (" + setting.why() + "): the joining node has ["
            + toCheck.getValue(joining).unwrapped() + "], this node [" + actualConfig.getValue(own).unwrapped() + "]");
      }
    }
    return problems.isEmpty() ? Valid.getInstance() : new Invalid(seq(problems));
  }

  private static boolean hostsShards(Config config) {
    return !config.hasPath(ROLES) || config.getStringList(ROLES).contains(Roles.CONTROLLER);
  }

  /** The effective value, or the raw text when it does not even parse (which never equals a parsed value). */
  private static Object value(Setting setting, Config config, String path) {
    try {
      return setting.read().apply(config, path);
    } catch (ConfigException.WrongType | ConfigException.BadValue e) {
      return "unparsable: " + config.getValue(path).render();
    }
  }

  private static Setting text(String path, String why) {
    return new Setting(List.of(path), why, Config::getString);
  }

  private static Setting number(String path, String why) {
    return new Setting(List.of(path), why, Config::getLong);
  }

  private static scala.collection.immutable.Seq<String> seq(List<String> list) {
    return CollectionConverters.asScala(list).toList();
  }
}
