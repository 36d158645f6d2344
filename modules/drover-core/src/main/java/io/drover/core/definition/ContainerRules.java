package io.drover.core.definition;

import io.drover.core.ClientError;
import io.drover.core.model.KeyValuePair;
import io.drover.core.model.ResourceRequirement;
import io.drover.core.model.Resources;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Validation of container settings and the resources they ask for. */
public final class ContainerRules {

  private static final Pattern EXIT_CODE_GLOB = Pattern.compile("[0-9]{0,511}\\*?");
  private static final Pattern REASON_GLOB = Pattern.compile("[A-Za-z0-9.: \\t]{0,511}\\*?");
  private static final Pattern VOLUME_NAME = Pattern.compile("[A-Za-z0-9_-]{1,255}");
  /** An absolute path without empty, {@code .} or {@code ..} parts; a trailing slash only for the root. */
  private static final Pattern CLEAN_ABSOLUTE_PATH = Pattern.compile("/|(/(?!\\.{1,2}(/|$))[^/\\x00]+)+");

  private ContainerRules() {}

  /** The resources one attempt needs; the container must already have passed {@link #validate}. */
  public static Resources resources(ContainerProperties container) {
    long milliCpus = 0;
    long memory = 0;
    int gpus = 0;
    if (container.vcpus() != null) {
      milliCpus = container.vcpus() * 1000L;
    }
    if (container.memory() != null) {
      memory = container.memory();
    }
    for (ResourceRequirement r : nullToEmpty(container.resourceRequirements())) {
      switch (r.type()) {
        case ResourceRequirement.VCPU -> milliCpus = new BigDecimal(r.value().trim()).movePointRight(3).longValueExact();
        case ResourceRequirement.MEMORY -> memory = Long.parseLong(r.value().trim());
        case ResourceRequirement.GPU -> gpus = Integer.parseInt(r.value().trim());
        default -> throw new IllegalStateException("unvalidated resource type " + r.type());
      }
    }
    return new Resources(milliCpus, memory, gpus);
  }

  /**
   * The container's mounts, one per mount point in their order; the container must already have
   * passed {@link #validate}.
   */
  public static List<ContainerMount> mounts(ContainerProperties container) {
    Map<String, Volume> volumes = new HashMap<>();
    nullToEmpty(container.volumes()).forEach(volume -> volumes.put(volume.name(), volume));
    List<ContainerMount> mounts = new ArrayList<>();
    for (MountPoint point : nullToEmpty(container.mountPoints())) {
      Volume volume = volumes.get(point.sourceVolume());
      mounts.add(new ContainerMount(volume.name(), volume.host() == null ? null : volume.host().sourcePath(),
          point.containerPath(), Boolean.TRUE.equals(point.readOnly())));
    }
    return List.copyOf(mounts);
  }

  /**
   * Checks a definition's container: an image, a vCPU and memory requirement, not privileged,
   * and volumes and mount points that fit together.
   */
  public static void validate(ContainerProperties container, String field) {
    ClientError.required(container, field);
    ClientError.required(container.image(), field + ".image");
    ClientError.require(!Boolean.TRUE.equals(container.privileged()), field + ".privileged is true, but Drover never "
        + "runs privileged containers (they would have every capability and the host's devices); leave it out or set "
        + "it to false.");
    validateRequirements(container.resourceRequirements(), container.vcpus(), container.memory(), field);
    Resources resources = resources(container);
    ClientError.require(resources.milliCpus() > 0,
        field + " needs a VCPU resourceRequirement (for example {\"type\":\"VCPU\",\"value\":\"1\"}).");
    ClientError.require(resources.memoryMib() >= 4,
        field + " needs a MEMORY resourceRequirement of at least 4 MiB (for example {\"type\":\"MEMORY\",\"value\":\"2048\"}).");
    validateEnvironment(container.environment(), field + ".environment");
    validateCommand(container.command(), field + ".command");
    validateVolumes(container.volumes(), container.mountPoints(), field);
  }

  /**
   * Checks AWS's {@code volumes} (unique names; a host volume names an absolute path) and {@code
   * mountPoints} (each names a volume and an absolute container path, no path twice).
   */
  private static void validateVolumes(List<Volume> volumes, List<MountPoint> mountPoints, String field) {
    Set<String> names = new HashSet<>();
    List<Volume> declared = nullToEmpty(volumes);
    for (int i = 0; i < declared.size(); i++) {
      Volume volume = declared.get(i);
      String path = field + ".volumes[" + i + "]";
      ClientError.require(volume != null && volume.name() != null, path + ".name is required.");
      ClientError.require(VOLUME_NAME.matcher(volume.name()).matches(), path + ".name '" + volume.name()
          + "' must be 1 to 255 letters, numbers, hyphens and underscores.");
      ClientError.require(names.add(volume.name()), path + ".name '" + volume.name() + "' is used by another volume.");
      if (volume.host() != null) {
        String source = volume.host().sourcePath();
        ClientError.require(source != null, path + ".host.sourcePath is required when host is given; leave host out "
            + "for an empty volume.");
        ClientError.require(CLEAN_ABSOLUTE_PATH.matcher(source).matches(), path + ".host.sourcePath '" + source
            + "' must be an absolute path without empty, '.' or '..' parts.");
      }
    }
    Set<String> containerPaths = new HashSet<>();
    List<MountPoint> points = nullToEmpty(mountPoints);
    for (int i = 0; i < points.size(); i++) {
      MountPoint point = points.get(i);
      String path = field + ".mountPoints[" + i + "]";
      ClientError.require(point != null && point.sourceVolume() != null, path + ".sourceVolume is required.");
      ClientError.require(names.contains(point.sourceVolume()), path + ".sourceVolume '" + point.sourceVolume()
          + "' names no volume" + (names.isEmpty() ? "; declare it in " + field + ".volumes." : " (volumes: "
          + String.join(", ", declared.stream().map(Volume::name).toList()) + ")."));
      String target = point.containerPath();
      ClientError.require(target != null, path + ".containerPath is required.");
      ClientError.require(CLEAN_ABSOLUTE_PATH.matcher(target).matches() && !target.equals("/"), path
          + ".containerPath '" + target + "' must be an absolute path below / without empty, '.' or '..' parts.");
      ClientError.require(containerPaths.add(target), path + ".containerPath '" + target
          + "' is the containerPath of another mount point.");
    }
  }

  /** Checks resource requirements (from a definition or an override). */
  public static void validateRequirements(
      List<ResourceRequirement> requirements, Integer vcpus, Integer memory, String field) {
    Set<String> seen = new HashSet<>();
    for (ResourceRequirement r : nullToEmpty(requirements)) {
      String path = field + ".resourceRequirements";
      ClientError.require(r != null && r.type() != null && r.value() != null,
          path + " entries need a type (VCPU, MEMORY or GPU) and a value.");
      ClientError.require(seen.add(r.type()), path + " lists " + r.type() + " more than once.");
      switch (r.type()) {
        case ResourceRequirement.VCPU -> {
          BigDecimal value = decimal(r.value(), path + " VCPU");
          ClientError.require(value.signum() > 0 && value.scale() <= 3 && value.compareTo(BigDecimal.valueOf(4096)) <= 0,
              path + " VCPU value '" + r.value() + "' must be a number of vCPUs above 0 (at most 3 decimals, at most 4096).");
          ClientError.require(vcpus == null, field + " sets both vcpus and a VCPU resourceRequirement; use only resourceRequirements.");
        }
        case ResourceRequirement.MEMORY -> {
          long value = integer(r.value(), path + " MEMORY");
          ClientError.require(value >= 4, path + " MEMORY value '" + r.value() + "' must be at least 4 (MiB).");
          ClientError.require(memory == null, field + " sets both memory and a MEMORY resourceRequirement; use only resourceRequirements.");
        }
        case ResourceRequirement.GPU -> {
          long value = integer(r.value(), path + " GPU");
          ClientError.require(value >= 0 && value <= 64, path + " GPU value '" + r.value() + "' must be a whole number from 0 to 64.");
        }
        default -> throw new ClientError(path + " type '" + r.type() + "' is not one of VCPU, MEMORY, GPU.");
      }
    }
    if (vcpus != null) {
      ClientError.require(vcpus > 0, field + ".vcpus must be at least 1.");
    }
    if (memory != null) {
      ClientError.require(memory >= 4, field + ".memory must be at least 4 (MiB).");
    }
  }

  /** Checks a command (null for none): no null entries, and no NUL, which no process argument holds. */
  public static void validateCommand(List<String> command, String field) {
    List<String> arguments = nullToEmpty(command);
    for (int i = 0; i < arguments.size(); i++) {
      ClientError.require(arguments.get(i) != null, field + " cannot contain null entries.");
      ClientError.require(arguments.get(i).indexOf('\0') < 0,
          field + "[" + i + "] has a NUL character, which no process argument can hold.");
    }
  }

  /**
   * Checks job parameters (null for none): each has a name and a value, and no value holds a NUL,
   * since values are substituted into the command.
   */
  public static void validateParameters(Map<String, String> parameters, String field) {
    if (parameters == null) {
      return;
    }
    parameters.forEach((name, value) -> {
      ClientError.require(name != null && value != null,
          field + " entries need a name and a value; '" + name + "' has none.");
      ClientError.require(value.indexOf('\0') < 0, field + " value of '" + name
          + "' has a NUL character, which no process argument can hold.");
    });
  }

  public static void validateEnvironment(List<KeyValuePair> environment, String field) {
    for (KeyValuePair pair : nullToEmpty(environment)) {
      ClientError.require(pair != null && pair.name() != null && !pair.name().isBlank(), field + " entries need a name.");
      ClientError.require(!pair.name().startsWith("AWS_BATCH"),
          field + " variable '" + pair.name() + "' uses the prefix AWS_BATCH, which is reserved for variables Drover sets.");
      ClientError.require(pair.name().indexOf('=') < 0 && pair.name().indexOf('\0') < 0,
          field + " variable '" + pair.name() + "' has '=' or a NUL character in its name, which no process environment "
              + "can hold.");
      ClientError.require(pair.value() == null || pair.value().indexOf('\0') < 0,
          field + " variable '" + pair.name() + "' has a NUL character in its value, which no process environment "
              + "can hold.");
    }
  }

  public static void validateRetryStrategy(RetryStrategy strategy, String field) {
    if (strategy == null) {
      return;
    }
    if (strategy.attempts() != null) {
      ClientError.require(strategy.attempts() >= 1 && strategy.attempts() <= 10,
          field + ".attempts must be from 1 to 10, not " + strategy.attempts() + ".");
    }
    List<EvaluateOnExit> rules = nullToEmpty(strategy.evaluateOnExit());
    ClientError.require(rules.size() <= 5, field + ".evaluateOnExit has " + rules.size() + " rules; at most 5 are allowed.");
    for (int i = 0; i < rules.size(); i++) {
      EvaluateOnExit rule = rules.get(i);
      String path = field + ".evaluateOnExit[" + i + "]";
      ClientError.require(rule != null && rule.action() != null, path + ".action is required (RETRY or EXIT).");
      String action = rule.action().toUpperCase(Locale.ROOT);
      ClientError.require(action.equals("RETRY") || action.equals("EXIT"),
          path + ".action '" + rule.action() + "' must be RETRY or EXIT.");
      ClientError.require(rule.onExitCode() == null || EXIT_CODE_GLOB.matcher(rule.onExitCode()).matches(),
          path + ".onExitCode '" + rule.onExitCode() + "' must be digits, optionally ending in *.");
      ClientError.require(rule.onReason() == null || REASON_GLOB.matcher(rule.onReason()).matches(),
          path + ".onReason may hold letters, numbers, periods, colons and white space, optionally ending in *.");
      ClientError.require(rule.onStatusReason() == null || REASON_GLOB.matcher(rule.onStatusReason()).matches(),
          path + ".onStatusReason may hold letters, numbers, periods, colons and white space, optionally ending in *.");
    }
  }

  public static void validateTimeout(JobTimeout timeout, String field) {
    if (timeout != null && timeout.attemptDurationSeconds() != null) {
      ClientError.require(timeout.attemptDurationSeconds() >= 60,
          field + ".attemptDurationSeconds must be at least 60, not " + timeout.attemptDurationSeconds() + ".");
    }
  }

  public static void validateSchedulingPriority(Integer priority, String field) {
    if (priority != null) {
      ClientError.require(priority >= 0 && priority <= 9999, field + " must be from 0 to 9999, not " + priority + ".");
    }
  }

  private static BigDecimal decimal(String value, String field) {
    try {
      return new BigDecimal(value.trim());
    } catch (NumberFormatException e) {
      throw new ClientError(field + " value '" + value + "' is not a number.");
    }
  }

  private static long integer(String value, String field) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new ClientError(field + " value '" + value + "' is not a whole number.");
    }
  }

  static <T> List<T> nullToEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
