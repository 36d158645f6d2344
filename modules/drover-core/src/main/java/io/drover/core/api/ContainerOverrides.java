package io.drover.core.api;

import io.drover.core.model.KeyValuePair;
import io.drover.core.model.ResourceRequirement;
import java.util.List;

/** AWS Batch {@code ContainerOverrides}: what a submission changes in its definition's container. */
public record ContainerOverrides(
    Integer vcpus,
    Integer memory,
    List<String> command,
    List<KeyValuePair> environment,
    List<ResourceRequirement> resourceRequirements) {}
