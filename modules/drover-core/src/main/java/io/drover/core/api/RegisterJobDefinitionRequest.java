package io.drover.core.api;

import io.drover.core.controlplane.ControlPlaneRequest;
import io.drover.core.definition.ContainerProperties;
import io.drover.core.definition.JobTimeout;
import io.drover.core.definition.RetryStrategy;
import java.util.List;
import java.util.Map;

/** AWS Batch {@code RegisterJobDefinition} request (container jobs). */
public record RegisterJobDefinitionRequest(
    String jobDefinitionName,
    String type,
    Map<String, String> parameters,
    Integer schedulingPriority,
    ContainerProperties containerProperties,
    Map<String, Object> nodeProperties,
    RetryStrategy retryStrategy,
    Boolean propagateTags,
    JobTimeout timeout,
    Map<String, String> tags,
    List<String> platformCapabilities) implements ControlPlaneRequest {}
