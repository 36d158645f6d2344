package io.drover.core.definition;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.drover.core.CborSerializable;
import io.drover.core.model.KeyValuePair;
import io.drover.core.model.ResourceRequirement;
import java.util.List;

/**
 * The container of a job definition, in AWS Batch's {@code ContainerProperties} shape: the
 * fields Drover runs. {@code vcpus} and {@code memory} are AWS's deprecated forms of
 * {@code resourceRequirements}; {@code jobRoleArn} and {@code executionRoleArn} are kept and
 * reported but grant nothing on a Drover host. {@code privileged} is refused when true
 * ({@link ContainerRules#validate}); it is kept so definitions registered before that still read.
 * {@code volumes} and {@code mountPoints} are read as null from data written before they existed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ContainerProperties(
    String image,
    Integer vcpus,
    Integer memory,
    List<String> command,
    String jobRoleArn,
    String executionRoleArn,
    List<KeyValuePair> environment,
    Boolean readonlyRootFilesystem,
    Boolean privileged,
    String user,
    List<ResourceRequirement> resourceRequirements,
    List<Volume> volumes,
    List<MountPoint> mountPoints)
    implements CborSerializable {

  /** A container without volumes or mount points. */
  public ContainerProperties(
      String image,
      Integer vcpus,
      Integer memory,
      List<String> command,
      String jobRoleArn,
      String executionRoleArn,
      List<KeyValuePair> environment,
      Boolean readonlyRootFilesystem,
      Boolean privileged,
      String user,
      List<ResourceRequirement> resourceRequirements) {
    this(image, vcpus, memory, command, jobRoleArn, executionRoleArn, environment, readonlyRootFilesystem,
        privileged, user, resourceRequirements, null, null);
  }

  public ContainerProperties withCommandEnvironmentAndResources(
      List<String> newCommand, List<KeyValuePair> newEnvironment, List<ResourceRequirement> newRequirements) {
    return new ContainerProperties(image, null, null, newCommand, jobRoleArn, executionRoleArn, newEnvironment,
        readonlyRootFilesystem, privileged, user, newRequirements, volumes, mountPoints);
  }
}
