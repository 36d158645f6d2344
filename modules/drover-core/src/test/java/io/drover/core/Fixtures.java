package io.drover.core;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.core.api.ArrayProperties;
import io.drover.core.api.ContainerOverrides;
import io.drover.core.api.CreateComputeEnvironmentRequest;
import io.drover.core.api.CreateJobQueueRequest;
import io.drover.core.api.JobDependency;
import io.drover.core.api.RegisterJobDefinitionRequest;
import io.drover.core.api.SubmitJobRequest;
import io.drover.core.api.UpdateComputeEnvironmentRequest;
import io.drover.core.api.UpdateJobQueueRequest;
import io.drover.core.compute.ComputeEnvironment;
import io.drover.core.controlplane.ControlPlaneRequest;
import io.drover.core.controlplane.ControlPlaneRules;
import io.drover.core.controlplane.ControlPlaneState;
import io.drover.core.definition.ContainerProperties;
import io.drover.core.definition.JobTimeout;
import io.drover.core.definition.RetryStrategy;
import io.drover.core.model.AwsIdentity;
import io.drover.core.model.KeyValuePair;
import io.drover.core.model.ResourceRequirement;
import io.drover.core.model.State;
import io.drover.core.queue.ComputeEnvironmentOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.function.Executable;

/** Shared identity, rules and request builders for the drover-core tests. */
public final class Fixtures {

  public static final AwsIdentity IDENTITY = new AwsIdentity("us-east-1", "123456789012");
  public static final String ARN_PREFIX = "arn:aws:batch:us-east-1:123456789012:";
  public static final ControlPlaneRules RULES = new ControlPlaneRules(IDENTITY);
  public static final ObjectMapper JSON = new ObjectMapper();

  private Fixtures() {}

  // ---- outcomes

  /** Carries out each request in turn against the state, as the control plane does. */
  public static ControlPlaneState apply(ControlPlaneState state, ControlPlaneRequest... requests) {
    ControlPlaneState next = state;
    for (ControlPlaneRequest request : requests) {
      next = next.apply(RULES.execute(next, request));
    }
    return next;
  }

  /** Asserts that {@code action} is a client error whose message holds every fragment; returns the message. */
  public static String assertRejected(Executable action, String... fragments) {
    String message = assertThrows(ClientError.class, action).getMessage();
    for (String fragment : fragments) {
      assertTrue(message.contains(fragment), () -> "expected '" + fragment + "' in: " + message);
    }
    return message;
  }

  /** Serializes {@code value} with a plain ObjectMapper and reads it back as {@code type}. */
  public static <T> T roundTrip(Object value, Class<T> type) {
    try {
      return JSON.readValue(JSON.writeValueAsString(value), type);
    } catch (JsonProcessingException e) {
      throw new AssertionError("JSON round trip of " + value + " failed", e);
    }
  }

  // ---- compute environments and queues

  public static CreateComputeEnvironmentRequest computeEnvironment(String name) {
    return new CreateComputeEnvironmentRequest(name, ComputeEnvironment.Type.UNMANAGED, null, null, null, null, null);
  }

  public static UpdateComputeEnvironmentRequest computeEnvironmentState(String nameOrArn, State state) {
    return new UpdateComputeEnvironmentRequest(nameOrArn, state, null, null, null);
  }

  /** A queue whose compute environments get orders 1, 2, 3 in the order given. */
  public static CreateJobQueueRequest jobQueue(String name, int priority, String... computeEnvironments) {
    List<ComputeEnvironmentOrder> order = new ArrayList<>();
    for (int i = 0; i < computeEnvironments.length; i++) {
      order.add(new ComputeEnvironmentOrder(i + 1, computeEnvironments[i]));
    }
    return new CreateJobQueueRequest(name, null, null, priority, order, null, null);
  }

  public static UpdateJobQueueRequest jobQueueState(String nameOrArn, State state) {
    return new UpdateJobQueueRequest(nameOrArn, state, null, null, null, null);
  }

  // ---- containers

  public static ResourceRequirement vcpu(String value) {
    return new ResourceRequirement(ResourceRequirement.VCPU, value);
  }

  public static ResourceRequirement memory(String value) {
    return new ResourceRequirement(ResourceRequirement.MEMORY, value);
  }

  public static ResourceRequirement gpu(String value) {
    return new ResourceRequirement(ResourceRequirement.GPU, value);
  }

  /** A busybox container with the given resource requirements. */
  public static ContainerProperties container(ResourceRequirement... requirements) {
    return container("busybox", List.of("echo", "hello"), List.of(), List.of(requirements));
  }

  public static ContainerProperties container(
      String image, List<String> command, List<KeyValuePair> environment, List<ResourceRequirement> requirements) {
    return new ContainerProperties(image, null, null, command, null, null, environment, null, null, null, requirements);
  }

  /** A container sized with AWS's deprecated {@code vcpus} and {@code memory} fields. */
  public static ContainerProperties deprecatedContainer(int vcpus, int memoryMib) {
    return new ContainerProperties("busybox", vcpus, memoryMib, List.of("true"), null, null, null, null, null, null, null);
  }

  // ---- job definitions

  /** A RegisterJobDefinition request for a 1 vCPU, 2048 MiB busybox container, to adjust. */
  public static DefinitionBuilder jobDefinition(String name) {
    return new DefinitionBuilder(name);
  }

  public static final class DefinitionBuilder {
    private final String name;
    private String type = "container";
    private Map<String, String> parameters;
    private Integer schedulingPriority;
    private ContainerProperties container = Fixtures.container(vcpu("1"), memory("2048"));
    private RetryStrategy retryStrategy;
    private Boolean propagateTags;
    private JobTimeout timeout;
    private Map<String, String> tags;
    private List<String> platformCapabilities;

    private DefinitionBuilder(String name) {
      this.name = name;
    }

    public DefinitionBuilder type(String value) {
      type = value;
      return this;
    }

    public DefinitionBuilder parameters(Map<String, String> value) {
      parameters = value;
      return this;
    }

    public DefinitionBuilder schedulingPriority(Integer value) {
      schedulingPriority = value;
      return this;
    }

    public DefinitionBuilder container(ContainerProperties value) {
      container = value;
      return this;
    }

    public DefinitionBuilder retryStrategy(RetryStrategy value) {
      retryStrategy = value;
      return this;
    }

    public DefinitionBuilder propagateTags(Boolean value) {
      propagateTags = value;
      return this;
    }

    public DefinitionBuilder timeout(Integer attemptDurationSeconds) {
      timeout = new JobTimeout(attemptDurationSeconds);
      return this;
    }

    public DefinitionBuilder tags(Map<String, String> value) {
      tags = value;
      return this;
    }

    public DefinitionBuilder platformCapabilities(String... value) {
      platformCapabilities = List.of(value);
      return this;
    }

    public RegisterJobDefinitionRequest build() {
      return new RegisterJobDefinitionRequest(name, type, parameters, schedulingPriority, container, null,
          retryStrategy, propagateTags, timeout, tags, platformCapabilities);
    }
  }

  // ---- submissions

  /** A SubmitJob request with no overrides, to adjust. */
  public static SubmitBuilder submit(String jobName, String jobQueue, String jobDefinition) {
    return new SubmitBuilder(jobName, jobQueue, jobDefinition);
  }

  public static final class SubmitBuilder {
    private final String jobName;
    private final String jobQueue;
    private final String jobDefinition;
    private String shareIdentifier;
    private Integer schedulingPriorityOverride;
    private ArrayProperties arrayProperties;
    private List<JobDependency> dependsOn;
    private Map<String, String> parameters;
    private ContainerOverrides containerOverrides;
    private RetryStrategy retryStrategy;
    private Boolean propagateTags;
    private JobTimeout timeout;
    private Map<String, String> tags;

    private SubmitBuilder(String jobName, String jobQueue, String jobDefinition) {
      this.jobName = jobName;
      this.jobQueue = jobQueue;
      this.jobDefinition = jobDefinition;
    }

    public SubmitBuilder shareIdentifier(String value) {
      shareIdentifier = value;
      return this;
    }

    public SubmitBuilder schedulingPriorityOverride(Integer value) {
      schedulingPriorityOverride = value;
      return this;
    }

    public SubmitBuilder arrayProperties(ArrayProperties value) {
      arrayProperties = value;
      return this;
    }

    public SubmitBuilder dependsOn(List<JobDependency> value) {
      dependsOn = value;
      return this;
    }

    public SubmitBuilder parameters(Map<String, String> value) {
      parameters = value;
      return this;
    }

    public SubmitBuilder containerOverrides(ContainerOverrides value) {
      containerOverrides = value;
      return this;
    }

    public SubmitBuilder retryStrategy(RetryStrategy value) {
      retryStrategy = value;
      return this;
    }

    public SubmitBuilder propagateTags(Boolean value) {
      propagateTags = value;
      return this;
    }

    public SubmitBuilder timeout(Integer attemptDurationSeconds) {
      timeout = new JobTimeout(attemptDurationSeconds);
      return this;
    }

    public SubmitBuilder tags(Map<String, String> value) {
      tags = value;
      return this;
    }

    public SubmitJobRequest build() {
      return new SubmitJobRequest(jobName, jobQueue, shareIdentifier, schedulingPriorityOverride, arrayProperties,
          dependsOn, jobDefinition, parameters, containerOverrides, retryStrategy, propagateTags, timeout, tags);
    }
  }
}
