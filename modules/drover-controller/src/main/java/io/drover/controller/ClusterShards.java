package io.drover.controller;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.internal.core.config.typesafe.DefaultDriverConfigLoader;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueFactory;
import io.drover.controller.readside.JobReadStore;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many shards the cluster's entity types have ({@code pekko.cluster.sharding.number-of-shards}),
 * decided once per cluster and recorded in Cassandra, so that every controller uses the same
 * number: two controllers with different numbers would each place a job in a shard of their own,
 * and the job could run twice. A controller reads the record before its actor system starts and
 * sets the number from it, so Pekko's join check ({@code DroverConfigCompatChecker}) still refuses
 * a controller with another number, such as one of an older Drover in a newer cluster.
 *
 * <p>A cluster's first controller records {@code drover.controller.new-cluster-shards} (100: the
 * shard coordinator gives shards a home one at a time, so after a controller is lost its third of
 * the shards waits in turn, and the fewer the sooner). A cluster that existed before the record
 * (its journal has a table already) records the number its controllers have used all along:
 * {@code pekko.cluster.sharding.number-of-shards}, Pekko's 1,000 unless configured otherwise.
 * Agents host no shards and need no number (they reach jobs through the controllers' gateways).
 */
public final class ClusterShards {

  private static final Logger log = LoggerFactory.getLogger(ClusterShards.class);

  public static final String NUMBER_OF_SHARDS = "pekko.cluster.sharding.number-of-shards";
  private static final String NEW_CLUSTER_SHARDS = "drover.controller.new-cluster-shards";
  private static final String TABLE = "cluster_settings";
  private static final String SETTING = "number-of-shards";
  private static final Duration DDL_TIMEOUT = Duration.ofSeconds(60);

  private ClusterShards() {}

  /** {@code config} with the cluster's number of shards, recording it first for a new cluster. */
  public static Config resolve(Config config) {
    String keyspace = config.getString("drover.controller.read-side.keyspace");
    try (CqlSession session = CqlSession.builder()
        .withConfigLoader(new DefaultDriverConfigLoader(() -> config.getConfig("datastax-java-driver")))
        .build()) {
      int shards = recorded(session, keyspace, config);
      return config.withValue(NUMBER_OF_SHARDS, ConfigValueFactory.fromAnyRef(shards));
    } catch (DriverException e) {
      throw new IllegalStateException("Drover could not read the cluster's number of shards from " + keyspace
          + "." + TABLE + " in Cassandra (check datastax-java-driver.basic.contact-points and that Cassandra is "
          + "running): " + e.getMessage(), e);
    }
  }

  private static int recorded(CqlSession session, String keyspace, Config config) {
    boolean createSchema = config.getBoolean("drover.cassandra.create-schema");
    if (createSchema) {
      // First, even when another controller starting now has made them: its table can be listed in
      // system_schema a moment before this node answers queries on it, and our own creation returns
      // only once it does.
      ddl(session, JobReadStore.createKeyspaceStatement(keyspace,
          config.getInt("drover.controller.read-side.replication-factor")));
      ddl(session, createTableStatement(keyspace));
    }
    boolean table = createSchema || tableExists(session, keyspace, TABLE);
    Integer recorded = table ? read(session, keyspace) : null;
    if (recorded != null) {
      log.info("This cluster's entity types have {} shards, as recorded in {}.{}", recorded, keyspace, TABLE);
      return recorded;
    }
    boolean existing = tableExists(session, config.getString("pekko.persistence.cassandra.journal.keyspace"),
        config.getString("pekko.persistence.cassandra.journal.table"));
    // What the controllers of a cluster from before the record have used: Pekko's 1,000 unless configured.
    int configured = config.getInt(NUMBER_OF_SHARDS);
    if (!createSchema && !table) {
      if (existing) {
        log.info("This cluster's entity types keep the {} shards of {}: the cluster is from before Drover recorded "
            + "the number, and {}.{} does not exist (docs/operations.md, \"Rolling upgrades\")",
            configured, NUMBER_OF_SHARDS, keyspace, TABLE);
        return configured;
      }
      throw new IllegalStateException("Drover cannot start this controller: its cluster is new (no journal in "
          + "Cassandra yet) and drover.cassandra.create-schema is off, so nothing would create the schema. Start the "
          + "cluster's first controller with DROVER_CREATE_SCHEMA=on.");
    }
    int shards = existing ? configured : newClusterShards(config);
    Row applied = session.execute(SimpleStatement.newInstance(
        "INSERT INTO " + keyspace + "." + TABLE + " (name, value) VALUES (?, ?) IF NOT EXISTS",
        SETTING, Integer.toString(shards))).one();
    int agreed = applied.getBoolean("[applied]") ? shards : parse(applied.getString("value"), keyspace);
    log.info("This cluster's entity types have {} shards, now recorded in {}.{} ({})", agreed, keyspace, TABLE,
        existing ? "a cluster from before the record keeps the number its controllers used" : "a new cluster");
    return agreed;
  }

  private static int newClusterShards(Config config) {
    int shards = config.getInt(NEW_CLUSTER_SHARDS);
    if (shards < 1) {
      throw new ConfigException.BadValue(NEW_CLUSTER_SHARDS, "is " + shards + "; it must be 1 or more (100 by default)");
    }
    return shards;
  }

  /** The recorded number, which an operator may have written by hand. */
  private static int parse(String value, String keyspace) {
    int shards;
    try {
      shards = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      shards = 0;
    }
    if (shards >= 1) {
      return shards;
    }
    throw new IllegalStateException(keyspace + "." + TABLE + " records '" + value + "' as the cluster's "
        + SETTING + "; it must be a whole number, 1 or more. With every controller stopped, set it with UPDATE "
        + keyspace + "." + TABLE + " SET value = '100' WHERE name = '" + SETTING + "' (the number the cluster "
        + "used before, if it ran).");
  }

  public static String createTableStatement(String keyspace) {
    return "CREATE TABLE IF NOT EXISTS " + keyspace + "." + TABLE + " (name text PRIMARY KEY, value text)";
  }

  private static Integer read(CqlSession session, String keyspace) {
    Row row = session.execute(SimpleStatement.newInstance(
        "SELECT value FROM " + keyspace + "." + TABLE + " WHERE name = ?", SETTING)
        .setConsistencyLevel(ConsistencyLevel.QUORUM)).one();
    return row == null ? null : parse(row.getString("value"), keyspace);
  }

  private static boolean tableExists(CqlSession session, String keyspace, String table) {
    return session.execute(SimpleStatement.newInstance(
        "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?", keyspace, table))
        .one() != null;
  }

  private static void ddl(CqlSession session, String cql) {
    session.execute(SimpleStatement.newInstance(cql).setTimeout(DDL_TIMEOUT));
  }
}
