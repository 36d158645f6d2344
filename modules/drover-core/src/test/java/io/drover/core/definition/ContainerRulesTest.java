package io.drover.core.definition;

import static io.drover.core.Fixtures.RULES;
import static io.drover.core.Fixtures.assertRejected;
import static io.drover.core.Fixtures.jobDefinition;
import static io.drover.core.Fixtures.memory;
import static io.drover.core.Fixtures.vcpu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.drover.core.Fixtures;
import io.drover.core.controlplane.ControlPlaneEvent.JobDefinitionRegistered;
import io.drover.core.controlplane.ControlPlaneState;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a job definition's container may ask for: never privileged; volumes and mount points that fit. */
class ContainerRulesTest {

  private static final ControlPlaneState EMPTY = ControlPlaneState.EMPTY;

  private static ContainerProperties container(Boolean privileged, List<Volume> volumes, List<MountPoint> mountPoints) {
    return new ContainerProperties("busybox", null, null, List.of("true"), null, null, null, null, privileged, null,
        List.of(vcpu("1"), memory("512")), volumes, mountPoints);
  }

  private static Volume hostVolume(String name, String sourcePath) {
    return new Volume(name, new Volume.Host(sourcePath));
  }

  private static MountPoint mountPoint(String sourceVolume, String containerPath) {
    return new MountPoint(sourceVolume, containerPath, null);
  }

  @Test
  void registerJobDefinitionRefusesAPrivilegedContainer() {
    assertRejected(() -> RULES.registerJobDefinition(EMPTY,
            jobDefinition("root-please").container(container(true, null, null)).build()),
        "containerProperties.privileged", "Drover never runs privileged containers");
  }

  @Test
  void privilegedFalseOrLeftOutIsAccepted() {
    for (Boolean privileged : Arrays.asList(false, null)) {
      JobDefinitionRegistered registered = assertInstanceOf(JobDefinitionRegistered.class, RULES.registerJobDefinition(
          EMPTY, jobDefinition("app").container(container(privileged, null, null)).build()));
      assertEquals(privileged, registered.jobDefinition().containerProperties().privileged());
    }
  }

  @Test
  void volumesAndMountPointsAreKeptAndResolvedToMountsInMountPointOrder() {
    ContainerProperties container = container(null,
        List.of(hostVolume("data", "/srv/data"), new Volume("scratch", null)),
        List.of(new MountPoint("scratch", "/scratch", null), new MountPoint("data", "/data", true),
            new MountPoint("data", "/also-data", false)));

    JobDefinitionRegistered registered = assertInstanceOf(JobDefinitionRegistered.class,
        RULES.registerJobDefinition(EMPTY, jobDefinition("app").container(container).build()));

    assertEquals(container, registered.jobDefinition().containerProperties());
    assertEquals(List.of(
            new ContainerMount("scratch", null, "/scratch", false),
            new ContainerMount("data", "/srv/data", "/data", true),
            new ContainerMount("data", "/srv/data", "/also-data", false)),
        ContainerRules.mounts(container));
  }

  @Test
  void aContainerWithoutMountPointsHasNoMounts() {
    assertEquals(List.of(), ContainerRules.mounts(container(null, List.of(hostVolume("data", "/srv")), null)));
    assertEquals(List.of(), ContainerRules.mounts(Fixtures.container(vcpu("1"), memory("512"))));
  }

  @Test
  void volumesAndMountPointsReadFromAwsJson() throws JsonProcessingException {
    String json = """
        {"image": "busybox", "resourceRequirements": [{"type": "VCPU", "value": "1"}, {"type": "MEMORY", "value": "512"}],
         "readonlyRootFilesystem": true,
         "volumes": [{"name": "data", "host": {"sourcePath": "/srv/data"}}, {"name": "scratch"}],
         "mountPoints": [{"sourceVolume": "data", "containerPath": "/data", "readOnly": true}]}""";

    ContainerProperties container = Fixtures.JSON.readValue(json, ContainerProperties.class);

    assertEquals(List.of(hostVolume("data", "/srv/data"), new Volume("scratch", null)), container.volumes());
    assertEquals(List.of(new MountPoint("data", "/data", true)), container.mountPoints());
    assertEquals(true, container.readonlyRootFilesystem());
    assertEquals(container, Fixtures.roundTrip(container, ContainerProperties.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidVolumes")
  void invalidVolumesAndMountPointsAreRefusedNamingTheField(
      String caseName, List<Volume> volumes, List<MountPoint> mountPoints, String fragment) {
    assertRejected(() -> RULES.registerJobDefinition(EMPTY,
        jobDefinition("app").container(container(null, volumes, mountPoints)).build()), fragment);
  }

  static Stream<Arguments> invalidVolumes() {
    List<Volume> data = List.of(hostVolume("data", "/srv/data"));
    return Stream.of(
        Arguments.of("mount point naming no volume", data, List.of(mountPoint("x", "/x")),
            "containerProperties.mountPoints[0].sourceVolume 'x' names no volume (volumes: data)"),
        Arguments.of("mount point without volumes", null, List.of(mountPoint("x", "/x")),
            "containerProperties.mountPoints[0].sourceVolume 'x' names no volume; declare it in containerProperties.volumes"),
        Arguments.of("mount point without sourceVolume", data, List.of(mountPoint(null, "/x")),
            "containerProperties.mountPoints[0].sourceVolume is required"),
        Arguments.of("mount point without containerPath", data, List.of(mountPoint("data", null)),
            "containerProperties.mountPoints[0].containerPath is required"),
        Arguments.of("relative containerPath", data, List.of(mountPoint("data", "data")),
            "containerProperties.mountPoints[0].containerPath 'data' must be an absolute path"),
        Arguments.of("containerPath with ..", data, List.of(mountPoint("data", "/data/../etc")),
            "containerProperties.mountPoints[0].containerPath '/data/../etc'"),
        Arguments.of("containerPath /", data, List.of(mountPoint("data", "/")),
            "containerProperties.mountPoints[0].containerPath '/' must be an absolute path below /"),
        Arguments.of("containerPath twice", data, List.of(mountPoint("data", "/d"), mountPoint("data", "/d")),
            "containerProperties.mountPoints[1].containerPath '/d' is the containerPath of another mount point"),
        Arguments.of("volume without a name", List.of(new Volume(null, null)), null,
            "containerProperties.volumes[0].name is required"),
        Arguments.of("volume name with a slash", List.of(new Volume("a/b", null)), null,
            "containerProperties.volumes[0].name 'a/b' must be 1 to 255 letters"),
        Arguments.of("volume name twice", List.of(new Volume("a", null), hostVolume("a", "/srv")), null,
            "containerProperties.volumes[1].name 'a' is used by another volume"),
        Arguments.of("host without sourcePath", List.of(new Volume("a", new Volume.Host(null))), null,
            "containerProperties.volumes[0].host.sourcePath is required"),
        Arguments.of("relative sourcePath", List.of(hostVolume("a", "srv/data")), null,
            "containerProperties.volumes[0].host.sourcePath 'srv/data' must be an absolute path"),
        Arguments.of("sourcePath with ..", List.of(hostVolume("a", "/srv/../etc")), null,
            "containerProperties.volumes[0].host.sourcePath '/srv/../etc' must be an absolute path without"),
        Arguments.of("sourcePath with an empty part", List.of(hostVolume("a", "/srv//data")), null,
            "containerProperties.volumes[0].host.sourcePath '/srv//data'"));
  }
}
