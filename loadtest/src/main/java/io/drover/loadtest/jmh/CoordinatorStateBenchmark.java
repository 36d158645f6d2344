package io.drover.loadtest.jmh;

import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.cluster.sharding.protobuf.ClusterShardingMessageSerializer;
import org.apache.pekko.cluster.sharding.protobuf.msg.ClusterShardingMessages.CoordinatorState;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one change of the job shards' coordinator state costs: with Pekko's distributed-data
 * coordinator, every change (a shard given a home, a region or proxy registered or gone) writes the
 * whole state, serialized and gzipped, to every other controller, which reads it back; the
 * coordinator takes the next change only after that. The state here has 1,000 shards on three
 * controllers' regions and {@code proxies} sharding proxies, which is what a fleet of worker hosts
 * with a proxy each added to it before agents reached jobs through the controllers' gateways.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class CoordinatorStateBenchmark {

  /** The serializer's manifest for the coordinator's state. */
  private static final String STATE = "AA";

  @Param({"0", "1000", "5000"})
  public int proxies;

  @Param({"1000"})
  public int shards;

  private ActorSystem system;
  private ClusterShardingMessageSerializer serializer;
  private byte[] written;
  private Object state;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    system = ActorSystem.create("drover", ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.hostname = 127.0.0.1
        pekko.remote.artery.canonical.port = 0
        """).withFallback(ConfigFactory.load()));
    serializer = new ClusterShardingMessageSerializer((ExtendedActorSystem) system);
    CoordinatorState.Builder proto = CoordinatorState.newBuilder();
    String[] regions = new String[3];
    for (int i = 0; i < regions.length; i++) {
      regions[i] = "pekko://drover@127.0.0.1:" + (25520 + i) + "/system/sharding/Job#" + (1_000_000_000 + i);
      proto.addRegions(regions[i]);
    }
    for (int shard = 0; shard < shards; shard++) {
      proto.addShards(CoordinatorState.ShardEntry.newBuilder()
          .setShardId(Integer.toString(shard))
          .setRegionRef(regions[shard % regions.length]));
    }
    for (int proxy = 0; proxy < proxies; proxy++) {
      proto.addRegionProxies("pekko://drover@127.0.0.1:" + (30000 + proxy) + "/system/sharding/JobProxy#" + (1_500_000_000 + proxy));
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write(proto.build().toByteArray());
    }
    written = bytes.toByteArray();
    state = serializer.fromBinary(written, STATE);
    System.out.printf("%n%d shards, %d proxies: the state is %d bytes, %d gzipped%n", shards, proxies,
        proto.build().getSerializedSize(), serializer.toBinary(state).length);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    system.terminate();
  }

  /** On the coordinator's node, for each controller it writes to. */
  @Benchmark
  public byte[] write() {
    return serializer.toBinary(state);
  }

  /** On each controller written to. */
  @Benchmark
  public Object read() {
    return serializer.fromBinary(written, STATE);
  }
}
