package io.drover.controller.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.drover.controller.job.JobEntity;
import io.drover.core.CborSerializable;
import io.drover.protocol.JobProtocol;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonMigration;
import org.apache.pekko.util.Version;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What one Drover version wrote (journal events, snapshots, messages between nodes) the next
 * versions must read, because a rolling upgrade runs old and new nodes side by side on one journal.
 * Every version keeps, checked in under {@code src/test/resources/wire/<version>/}, the bytes
 * Pekko's Jackson CBOR serializer wrote for one sample of every type ({@code <sample>.cbor}) and
 * the serializer id and manifest they were written with ({@code manifests.tsv}); this test reads
 * each with today's code, through the project's serialization configuration, and expects the
 * sample {@link WireSamples} says it was written from. It also fails when a type that is serialized
 * (or a subtype a polymorphic field may hold) has no sample in the newest version's fixtures.
 *
 * <p>Writing the fixtures of a version (a new one, or the version under development again):
 * <pre>
 *   mvn -o -pl modules/drover-controller test -Dtest=WireCompatibilityTest -Ddrover.wire.write=v0.2
 * </pre>
 * writes {@link WireSamples}' catalog of that version with the current code, replacing that
 * version's directory. The fixtures of a version that has been released are never rewritten.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WireCompatibilityTest {

  /** The system property that names the version whose fixtures to (re)write before the test runs. */
  static final String WRITE = "drover.wire.write";

  private static final Path WIRE = Path.of(System.getProperty("basedir", "")).toAbsolutePath()
      .resolve("src/test/resources/wire");
  private static final String MANIFESTS = "manifests.tsv";

  private static final Config CONFIG = ConfigFactory.parseString("""
          pekko.actor.provider = cluster
          pekko.remote.artery.canonical.hostname = 127.0.0.1
          pekko.remote.artery.canonical.port = 0
          pekko.serialization.jackson.migrations {
            "%s" = "%s"
          }
          """.formatted(AfterRename.class.getName(), RenameNameToTitle.class.getName()))
      .withFallback(ConfigFactory.parseFile(repoRoot().resolve("conf/serialization.conf").toFile()));

  @JUnit5TestKit
  final ActorTestKit testKit = new JUnit5TestKitBuilder().withName("WireCompatibilityTest").withCustomConfig(CONFIG).build();

  private Serialization serialization;
  private ActorRefResolver refs;

  /** One fixture: a sample's bytes and what Pekko needs to read them. */
  private record Fixture(String sample, int serializerId, String manifest, byte[] bytes) {}

  @BeforeAll
  void writeFixturesWhenAsked() throws IOException {
    serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    refs = ActorRefResolver.get(testKit.system());
    String version = System.getProperty(WRITE, "").trim();
    if (!version.isEmpty()) {
      write(version);
    }
  }

  @TestFactory
  Stream<DynamicTest> everyFixtureReadsAsTheSampleItWasWrittenFrom() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (String version : versions()) {
      Map<String, Object> samples = catalog(version);
      Map<String, Fixture> fixtures = read(version);
      tests.add(DynamicTest.dynamicTest(version + " has a fixture for every sample", () -> {
        Set<String> unwritten = new TreeSet<>(samples.keySet());
        unwritten.removeAll(fixtures.keySet());
        assertTrue(unwritten.isEmpty(), "No fixture in wire/" + version + " for " + unwritten
            + ": write them with -D" + WRITE + "=" + version + " (see WireCompatibilityTest).");
      }));
      for (Fixture fixture : fixtures.values()) {
        tests.add(DynamicTest.dynamicTest(version + " " + fixture.sample(), () -> {
          assertTrue(samples.containsKey(fixture.sample()),
              "WireSamples' " + version + " catalog has no sample " + fixture.sample() + " for its fixture.");
          assertEquals(samples.get(fixture.sample()), deserialize(fixture.bytes(), fixture.serializerId(), fixture.manifest()));
        }));
      }
    }
    return tests.stream();
  }

  /**
   * Every type that is serialized, and every subtype a polymorphic field may hold, is in a sample
   * of the newest version (on its own or inside another). Private classes are exempt: by the
   * code's convention they are an actor's messages to itself (timer ticks, adapted replies), which
   * are never serialized.
   */
  @Test
  void theNewestFixturesCoverEverySerializableTypeAndSubtype() throws Exception {
    String newest = versions().get(versions().size() - 1);
    Set<Class<?>> covered = new HashSet<>();
    catalog(newest).values().forEach(sample -> reachable(sample, covered));

    Set<String> missing = new TreeSet<>();
    for (Class<?> type : droverClasses()) {
      if (!CborSerializable.class.isAssignableFrom(type)) {
        continue;
      }
      boolean concrete = !type.isInterface() && !Modifier.isAbstract(type.getModifiers());
      if (concrete && !Modifier.isPrivate(type.getModifiers()) && !covered.contains(type)) {
        missing.add(type.getName());
      }
      for (Class<?> subtype : polymorphicSubtypes(type)) {
        if (!covered.contains(subtype)) {
          missing.add(subtype.getName() + " (a subtype named in " + type.getName() + ")");
        }
      }
    }
    assertTrue(missing.isEmpty(), "No sample in " + newest + " holds " + missing + ": add them to WireSamples and "
        + "write the fixtures with -D" + WRITE + "=<version> (see WireCompatibilityTest).");
  }

  @Test
  void anOlderNodeIgnoresFieldsANewerNodeAdded() {
    Fixture newer = serialized("newer", new WithAddedFields("job-1", "a note", true, 3));

    assertEquals(new Original("job-1"), deserialize(newer.bytes(), newer.serializerId(), Original.class.getName()));
  }

  @Test
  void aNewerNodeReadsFieldsMissingFromOlderDataAsNullFalseAndZero() {
    Fixture older = serialized("older", new Original("job-1"));

    assertEquals(new WithAddedFields("job-1", null, false, 0),
        deserialize(older.bytes(), older.serializerId(), WithAddedFields.class.getName()));
  }

  /**
   * How a field is renamed: a {@link JacksonMigration} registered under
   * {@code pekko.serialization.jackson.migrations} for the class, which now writes its manifest
   * with {@code #2} and turns version-1 data into today's shape when reading it.
   */
  @Test
  void aMigrationRenamesAFieldInDataWrittenBeforeTheRename() {
    Fixture beforeRename = serialized("before", new BeforeRename("nightly"));
    Fixture afterRename = serialized("after", new AfterRename("nightly"));

    assertEquals(AfterRename.class.getName() + "#2", afterRename.manifest());
    assertEquals(new AfterRename("nightly"),
        deserialize(beforeRename.bytes(), beforeRename.serializerId(), AfterRename.class.getName()));
    assertEquals(new AfterRename("nightly"),
        deserialize(afterRename.bytes(), afterRename.serializerId(), afterRename.manifest()));
  }

  /** A message as one version of a class has it... */
  record Original(String jobId) implements CborSerializable {}

  /** ...and as a later version has it, with fields added. */
  record WithAddedFields(String jobId, String note, boolean flag, int count) implements CborSerializable {}

  /** A class before a field was renamed from {@code name}... */
  record BeforeRename(String name) implements CborSerializable {}

  /** ...and after, to {@code title}, with {@link RenameNameToTitle} registered for it. */
  record AfterRename(String title) implements CborSerializable {}

  /** Version 2 of {@link AfterRename} calls {@code name} {@code title}. */
  static final class RenameNameToTitle extends JacksonMigration {

    @Override
    public int currentVersion() {
      return 2;
    }

    @Override
    public JsonNode transform(int fromVersion, JsonNode json) {
      ObjectNode object = (ObjectNode) json;
      if (fromVersion < 2) {
        object.set("title", object.remove("name"));
      }
      return object;
    }
  }

  private Fixture serialized(String sample, Object value) {
    Serializer serializer = serialization.findSerializerFor(value);
    return new Fixture(sample, serializer.identifier(), Serializers.manifestFor(serializer, value),
        serialization.serialize(value).get());
  }

  private Object deserialize(byte[] bytes, int serializerId, String manifest) {
    return serialization.deserialize(bytes, serializerId, manifest).get();
  }

  private Map<String, Object> catalog(String version) {
    var catalog = WireSamples.VERSIONS.get(version);
    assertNotNull(catalog, "wire/" + version + " has fixtures but WireSamples.VERSIONS has no catalog for it.");
    return catalog.apply(refs);
  }

  /** The versions that have fixtures, oldest first. */
  private static List<String> versions() throws IOException {
    try (Stream<Path> dirs = Files.list(WIRE)) {
      return dirs.filter(Files::isDirectory).map(dir -> dir.getFileName().toString())
          .sorted(Comparator.comparing(version -> new Version(version.substring(1))))
          .toList();
    }
  }

  private void write(String version) throws IOException {
    Map<String, Object> samples = catalog(version);
    Path dir = WIRE.resolve(version);
    if (Files.isDirectory(dir)) {
      try (Stream<Path> old = Files.list(dir)) {
        for (Path file : old.toList()) {
          Files.delete(file);
        }
      }
    }
    Files.createDirectories(dir);
    StringBuilder manifests = new StringBuilder("""
        # Written by WireCompatibilityTest with -D%s=%s: sample, serializer id, manifest; the bytes are in <sample>.cbor.
        """.formatted(WRITE, version));
    for (Map.Entry<String, Object> sample : samples.entrySet()) {
      Fixture fixture = serialized(sample.getKey(), sample.getValue());
      Files.write(dir.resolve(fixture.sample() + ".cbor"), fixture.bytes());
      manifests.append(fixture.sample()).append('\t').append(fixture.serializerId()).append('\t')
          .append(fixture.manifest()).append('\n');
    }
    Files.writeString(dir.resolve(MANIFESTS), manifests, StandardCharsets.UTF_8);
  }

  private static Map<String, Fixture> read(String version) throws IOException {
    Path dir = WIRE.resolve(version);
    Map<String, Fixture> fixtures = new LinkedHashMap<>();
    for (String line : Files.readAllLines(dir.resolve(MANIFESTS), StandardCharsets.UTF_8)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split("\t");
      fixtures.put(fields[0], new Fixture(fields[0], Integer.parseInt(fields[1]), fields[2],
          Files.readAllBytes(dir.resolve(fields[0] + ".cbor"))));
    }
    return fixtures;
  }

  /** Adds the class of {@code value} and of everything it holds (record components, elements, keys, values). */
  private static void reachable(Object value, Set<Class<?>> classes) {
    if (value instanceof Collection<?> elements) {
      elements.forEach(element -> reachable(element, classes));
    } else if (value instanceof Map<?, ?> map) {
      map.forEach((key, element) -> {
        reachable(key, classes);
        reachable(element, classes);
      });
    } else if (value != null) {
      classes.add(value.getClass());
      if (value.getClass().isRecord()) {
        for (RecordComponent component : value.getClass().getRecordComponents()) {
          Method accessor = component.getAccessor();
          accessor.setAccessible(true);
          try {
            reachable(accessor.invoke(value), classes);
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot read " + component, e);
          }
        }
      }
    }
  }

  /** The subtypes named by {@code @JsonSubTypes} on {@code type} or on one of its fields. */
  private static List<Class<?>> polymorphicSubtypes(Class<?> type) {
    List<JsonSubTypes> annotations = new ArrayList<>();
    annotations.add(type.getAnnotation(JsonSubTypes.class));
    for (Field field : type.getDeclaredFields()) {
      annotations.add(field.getAnnotation(JsonSubTypes.class));
    }
    return annotations.stream().filter(a -> a != null).flatMap(a -> Stream.of(a.value()))
        .<Class<?>>map(JsonSubTypes.Type::value).toList();
  }

  /** Every class of drover-core, drover-protocol and drover-controller (their main code, not tests). */
  private static List<Class<?>> droverClasses() throws IOException, URISyntaxException, ClassNotFoundException {
    List<Class<?>> classes = new ArrayList<>();
    for (Class<?> anchor : List.of(CborSerializable.class, JobProtocol.class, JobEntity.class)) {
      Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (String name : classNames(location)) {
        classes.add(Class.forName(name, false, anchor.getClassLoader()));
      }
    }
    return classes;
  }

  private static List<String> classNames(Path location) throws IOException {
    List<String> files;
    if (Files.isDirectory(location)) {
      try (Stream<Path> walk = Files.walk(location)) {
        files = walk.map(file -> location.relativize(file).toString().replace(location.getFileSystem().getSeparator(), "/"))
            .toList();
      }
    } else {
      try (JarFile jar = new JarFile(location.toFile())) {
        files = jar.stream().map(JarEntry::getName).toList();
      }
    }
    return files.stream().filter(file -> file.endsWith(".class") && !file.endsWith("module-info.class"))
        .map(file -> file.substring(0, file.length() - ".class".length()).replace('/', '.'))
        .toList();
  }

  private static Path repoRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("conf/serialization.conf"))) {
        return dir;
      }
    }
    throw new IllegalStateException("No conf/serialization.conf at or above " + Path.of("").toAbsolutePath());
  }
}
