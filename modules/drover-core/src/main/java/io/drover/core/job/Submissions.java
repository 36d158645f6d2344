package io.drover.core.job;

import io.drover.core.ClientError;
import io.drover.core.api.ArrayProperties;
import io.drover.core.api.ContainerOverrides;
import io.drover.core.api.JobDependency;
import io.drover.core.api.SubmitJobRequest;
import io.drover.core.controlplane.ControlPlaneRules;
import io.drover.core.controlplane.ControlPlaneState;
import io.drover.core.definition.ContainerProperties;
import io.drover.core.definition.ContainerRules;
import io.drover.core.definition.JobDefinition;
import io.drover.core.definition.RetryStrategy;
import io.drover.core.definition.JobTimeout;
import io.drover.core.model.KeyValuePair;
import io.drover.core.model.Names;
import io.drover.core.model.ResourceRequirement;
import io.drover.core.queue.JobQueue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Turns a SubmitJob request into a {@link JobSpec}: resolves queue and definition, applies
 * container overrides and parameters the way AWS Batch does, and rejects what would never run.
 */
public final class Submissions {

  private Submissions() {}

  /**
   * The id of the job a SubmitJob call creates. The AWS SDKs and CLI give each call an id
   * ({@code amz-sdk-invocation-id}) and send it again when they retry the call by themselves, as
   * they do after a timeout or a 503: a retry whose first try was accepted after all must find
   * that job rather than submit a second one. So with an invocation id, the job id is derived from
   * it and the caller's access key (a UUID of version 8 from their SHA-256; another key never
   * arrives at the same job); without one, it is random.
   */
  public static String jobId(String accessKeyId, String invocationId) {
    if (invocationId == null) {
      return UUID.randomUUID().toString();
    }
    byte[] hash;
    try {
      hash = MessageDigest.getInstance("SHA-256")
          .digest((accessKeyId + "\n" + invocationId).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java platform has SHA-256", e);
    }
    ByteBuffer bytes = ByteBuffer.wrap(hash, 0, 16);
    long most = (bytes.getLong() & ~0xF000L) | 0x8000L;
    long least = (bytes.getLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(most, least).toString();
  }

  public static JobSpec resolve(ControlPlaneState state, ControlPlaneRules rules, SubmitJobRequest request, String jobId) {
    String jobName = Names.jobName(request.jobName(), "jobName");
    JobQueue queue = rules.jobQueue(state, request.jobQueue(), "jobQueue");
    ClientError.require(queue.enabled(),
        "jobQueue '" + queue.jobQueueName() + "' is DISABLED and accepts no new jobs; enable it with UpdateJobQueue.");
    JobDefinition definition = rules.jobDefinition(state, request.jobDefinition(), "jobDefinition", true);
    String shareIdentifier = shareIdentifier(request.shareIdentifier(), queue);
    Map<String, String> tags = Names.tags(request.tags(), "tags");
    ArraySpec array = array(request.arrayProperties(), tags);
    List<JobDependency> dependsOn = dependencies(request.dependsOn(), array != null);
    ContainerRules.validateRetryStrategy(request.retryStrategy(), "retryStrategy");
    ContainerRules.validateTimeout(request.timeout(), "timeout");
    ContainerRules.validateSchedulingPriority(request.schedulingPriorityOverride(), "schedulingPriorityOverride");

    Map<String, String> parameters = new LinkedHashMap<>(definition.parameters());
    ContainerRules.validateParameters(request.parameters(), "parameters");
    if (request.parameters() != null) {
      parameters.putAll(request.parameters());
    }
    ContainerProperties container = applyOverrides(definition.containerProperties(), request.containerOverrides(), parameters);
    RetryStrategy retry = request.retryStrategy() != null ? request.retryStrategy() : definition.retryStrategy();
    JobTimeout timeout = request.timeout() != null ? request.timeout() : definition.timeout();
    int priority = request.schedulingPriorityOverride() != null
        ? request.schedulingPriorityOverride()
        : definition.schedulingPriority() == null ? 0 : definition.schedulingPriority();
    boolean propagateTags = request.propagateTags() != null
        ? request.propagateTags()
        : Boolean.TRUE.equals(definition.propagateTags());
    Map<String, String> effectiveTags = new HashMap<>();
    if (propagateTags) {
      effectiveTags.putAll(definition.tags());
    }
    effectiveTags.putAll(tags);
    return new JobSpec(
        jobId,
        jobName,
        queue.jobQueueName(),
        definition.jobDefinitionArn(),
        container,
        ContainerRules.resources(container),
        Map.copyOf(parameters),
        retry,
        timeout,
        Map.copyOf(effectiveTags),
        propagateTags,
        priority,
        shareIdentifier,
        definition.platformCapabilities(),
        dependsOn,
        array);
  }

  private static final Pattern SHARE_IDENTIFIER = Pattern.compile("[A-Za-z0-9_]{1,255}");

  /**
   * As on AWS, a job on a fair-share queue must name its share and a job on a first-in, first-out
   * queue must not.
   */
  static String shareIdentifier(String shareIdentifier, JobQueue queue) {
    if (!queue.isFairShare()) {
      ClientError.require(shareIdentifier == null,
          "shareIdentifier can only be used with a fair-share job queue; '" + queue.jobQueueName()
              + "' has no scheduling policy.");
      return null;
    }
    ClientError.require(shareIdentifier != null && !shareIdentifier.isEmpty(),
        "shareIdentifier is required: job queue '" + queue.jobQueueName() + "' is a fair-share queue (scheduling policy "
            + queue.schedulingPolicyArn() + "), so every job names the share it belongs to.");
    ClientError.require(SHARE_IDENTIFIER.matcher(shareIdentifier).matches(),
        "shareIdentifier '" + shareIdentifier + "' is invalid: use 1-255 letters, numbers and underscores.");
    return shareIdentifier;
  }

  /**
   * The array job's spec, or null for a plain job. {@code maxConcurrentChildren} comes from
   * {@code arrayProperties} or from the {@value ArraySpec#MAX_CONCURRENT_CHILDREN_TAG} tag (which the
   * AWS SDKs can send); given both ways, the two must agree.
   */
  static ArraySpec array(ArrayProperties properties, Map<String, String> tags) {
    String tag = tags.get(ArraySpec.MAX_CONCURRENT_CHILDREN_TAG);
    if (properties == null) {
      ClientError.require(tag == null, "tag " + ArraySpec.MAX_CONCURRENT_CHILDREN_TAG
          + " applies to array jobs only: this job has no arrayProperties.");
      return null;
    }
    Integer size = ClientError.required(properties.size(), "arrayProperties.size");
    ClientError.require(size >= ArraySpec.MIN_SIZE && size <= ArraySpec.MAX_SIZE,
        "arrayProperties.size must be from " + ArraySpec.MIN_SIZE + " to " + ArraySpec.MAX_SIZE + ", not " + size + ".");
    Integer field = properties.maxConcurrentChildren();
    if (field != null) {
      ClientError.require(field >= 1 && field <= ArraySpec.MAX_CONCURRENT_CHILDREN,
          "arrayProperties.maxConcurrentChildren must be from 1 to " + ArraySpec.MAX_CONCURRENT_CHILDREN + ", not "
              + field + ".");
    }
    Integer fromTag = tag == null ? null : maxConcurrentChildrenTag(tag);
    ClientError.require(field == null || fromTag == null || field.equals(fromTag),
        "arrayProperties.maxConcurrentChildren (" + field + ") and tag " + ArraySpec.MAX_CONCURRENT_CHILDREN_TAG
            + " (" + fromTag + ") disagree; give one of them, or the same value in both.");
    return ArraySpec.parent(size, field != null ? field : fromTag);
  }

  private static int maxConcurrentChildrenTag(String value) {
    String message = "tag " + ArraySpec.MAX_CONCURRENT_CHILDREN_TAG + " value '" + value
        + "' must be a whole number from 1 to " + ArraySpec.MAX_CONCURRENT_CHILDREN + ".";
    int parsed;
    try {
      parsed = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new ClientError(message);
    }
    ClientError.require(parsed >= 1 && parsed <= ArraySpec.MAX_CONCURRENT_CHILDREN, message);
    return parsed;
  }

  /** AWS caps dependencies at 20; workflow engines need more. */
  public static final int MAX_DEPENDENCIES = 1000;

  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9_:-]{1,128}");

  static List<JobDependency> dependencies(List<JobDependency> requested, boolean arrayJob) {
    if (requested == null || requested.isEmpty()) {
      return List.of();
    }
    ClientError.require(requested.size() <= MAX_DEPENDENCIES,
        "dependsOn lists " + requested.size() + " jobs; at most " + MAX_DEPENDENCIES + " are allowed.");
    Map<String, JobDependency> unique = new LinkedHashMap<>();
    for (int i = 0; i < requested.size(); i++) {
      JobDependency dependency = requested.get(i);
      String path = "dependsOn[" + i + "]";
      ClientError.require(dependency != null, path + " is empty.");
      String type = dependency.type();
      ClientError.require(type == null || type.equals(JobSpec.N_TO_N) || type.equals(JobSpec.SEQUENTIAL),
          path + ".type '" + type + "' must be N_TO_N or SEQUENTIAL, or left out.");
      ClientError.require(type == null || arrayJob,
          path + ".type " + type + " applies to array jobs only: this job has no arrayProperties.");
      if (JobSpec.SEQUENTIAL.equals(type)) {
        ClientError.require(dependency.jobId() == null,
            path + ": a SEQUENTIAL dependency names no jobId; it makes the children run one after another.");
        unique.putIfAbsent(JobSpec.SEQUENTIAL, dependency);
        continue;
      }
      ClientError.required(dependency.jobId(), path + ".jobId");
      ClientError.require(JOB_ID.matcher(dependency.jobId()).matches(),
          path + ".jobId '" + dependency.jobId() + "' is not a job id.");
      unique.putIfAbsent(dependency.jobId(), new JobDependency(dependency.jobId(), type));
    }
    return List.copyOf(unique.values());
  }

  static ContainerProperties applyOverrides(
      ContainerProperties base, ContainerOverrides overrides, Map<String, String> parameters) {
    List<String> command = base.command() == null ? List.of() : base.command();
    List<KeyValuePair> environment = base.environment() == null ? List.of() : base.environment();
    Map<String, ResourceRequirement> requirements = new LinkedHashMap<>();
    if (base.vcpus() != null) {
      requirements.put(ResourceRequirement.VCPU, new ResourceRequirement(ResourceRequirement.VCPU, base.vcpus().toString()));
    }
    if (base.memory() != null) {
      requirements.put(ResourceRequirement.MEMORY, new ResourceRequirement(ResourceRequirement.MEMORY, base.memory().toString()));
    }
    if (base.resourceRequirements() != null) {
      base.resourceRequirements().forEach(r -> requirements.put(r.type(), r));
    }
    if (overrides != null) {
      ContainerRules.validateRequirements(overrides.resourceRequirements(), overrides.vcpus(), overrides.memory(), "containerOverrides");
      ContainerRules.validateEnvironment(overrides.environment(), "containerOverrides.environment");
      if (overrides.command() != null) {
        ContainerRules.validateCommand(overrides.command(), "containerOverrides.command");
        command = overrides.command();
      }
      if (overrides.environment() != null) {
        Map<String, KeyValuePair> merged = new LinkedHashMap<>();
        environment.forEach(pair -> merged.put(pair.name(), pair));
        overrides.environment().forEach(pair -> merged.put(pair.name(), pair));
        environment = List.copyOf(merged.values());
      }
      if (overrides.vcpus() != null) {
        requirements.put(ResourceRequirement.VCPU, new ResourceRequirement(ResourceRequirement.VCPU, overrides.vcpus().toString()));
      }
      if (overrides.memory() != null) {
        requirements.put(ResourceRequirement.MEMORY, new ResourceRequirement(ResourceRequirement.MEMORY, overrides.memory().toString()));
      }
      if (overrides.resourceRequirements() != null) {
        overrides.resourceRequirements().forEach(r -> requirements.put(r.type(), r));
      }
    }
    return base.withCommandEnvironmentAndResources(
        substitute(command, parameters), environment, new ArrayList<>(requirements.values()));
  }

  /**
   * Replaces {@code Ref::name} placeholders in each command argument with the parameter's value,
   * as AWS Batch does; a placeholder without a parameter stays as it is.
   */
  public static List<String> substitute(List<String> command, Map<String, String> parameters) {
    if (parameters.isEmpty()) {
      return List.copyOf(command);
    }
    List<String> result = new ArrayList<>(command.size());
    for (String argument : command) {
      result.add(substitute(argument, parameters));
    }
    return List.copyOf(result);
  }

  private static String substitute(String argument, Map<String, String> parameters) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < argument.length()) {
      int ref = argument.indexOf("Ref::", i);
      if (ref < 0) {
        out.append(argument, i, argument.length());
        break;
      }
      out.append(argument, i, ref);
      int end = ref + 5;
      while (end < argument.length() && isNameChar(argument.charAt(end))) {
        end++;
      }
      String name = argument.substring(ref + 5, end);
      String value = parameters.get(name);
      out.append(value != null ? value : argument.substring(ref, end));
      i = end;
    }
    return out.toString();
  }

  private static boolean isNameChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '-';
  }
}
