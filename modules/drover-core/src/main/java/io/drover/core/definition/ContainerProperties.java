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
 * reported but grant nothing on a Drover host.
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
    List<ResourceRequirement> resourceRequirements)
    implements CborSerializable {

  public ContainerProperties withCommandEnvironmentAndResources(
      List<String> newCommand, List<KeyValuePair> newEnvironment, List<ResourceRequirement> newRequirements) {
    return new ContainerProperties(image, null, null, newCommand, jobRoleArn, executionRoleArn, newEnvironment,
        readonlyRootFilesystem, privileged, user, newRequirements);
  }
}
