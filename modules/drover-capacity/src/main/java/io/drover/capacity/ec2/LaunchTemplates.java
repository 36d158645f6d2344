package io.drover.capacity.ec2;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateLaunchTemplateResponse;
import software.amazon.awssdk.services.ec2.model.CreateLaunchTemplateVersionResponse;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;
import software.amazon.awssdk.services.ec2.model.RequestLaunchTemplateData;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * Drover's own launch template per compute environment, {@code drover-<compute environment>}: created
 * at the first launch, and given a new version when the compute environment's settings change (image,
 * instance role, security groups, key pair, placement group, tags, user data). Each version's
 * description carries a fingerprint of its data, so a restarted controller finds the version it needs
 * with one DescribeLaunchTemplateVersions call instead of creating another.
 */
final class LaunchTemplates {

  /** A template version to launch from. */
  record Version(String templateId, String version) {}

  private record Known(String fingerprint, Version version) {}

  private static final Logger log = LoggerFactory.getLogger(LaunchTemplates.class);
  private static final String FINGERPRINT_PREFIX = "drover:";

  private final Ec2Client ec2;
  private final Map<String, Known> known = new ConcurrentHashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  LaunchTemplates(Ec2Client ec2) {
    this.ec2 = ec2;
  }

  /** The template's name for a compute environment. */
  static String name(String computeEnvironment) {
    return "drover-" + computeEnvironment;
  }

  /**
   * The version of the compute environment's template that has this data, made if missing.
   *
   * @param fingerprint identifies the data (it goes into the version's description)
   * @param templateTags tags for the template itself
   */
  Version resolve(String computeEnvironment, RequestLaunchTemplateData data, String fingerprint,
      List<Tag> templateTags) {
    synchronized (locks.computeIfAbsent(computeEnvironment, ce -> new Object())) {
      Known current = known.get(computeEnvironment);
      if (current != null && current.fingerprint().equals(fingerprint)) {
        return current.version();
      }
      Version version = findOrCreate(computeEnvironment, data, FINGERPRINT_PREFIX + fingerprint, templateTags);
      known.put(computeEnvironment, new Known(fingerprint, version));
      return version;
    }
  }

  /** Forgets what is known of the compute environment's template (it was deleted or changed outside Drover). */
  void forget(String computeEnvironment) {
    known.remove(computeEnvironment);
  }

  private Version findOrCreate(String ce, RequestLaunchTemplateData data, String description, List<Tag> tags) {
    String name = name(ce);
    Optional<LaunchTemplateVersion> latest = latest(name);
    if (latest.isEmpty()) {
      try {
        CreateLaunchTemplateResponse created = ec2.createLaunchTemplate(b -> b
            .launchTemplateName(name)
            .versionDescription(description)
            .launchTemplateData(data)
            .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.LAUNCH_TEMPLATE).tags(tags).build()));
        Version version = new Version(created.launchTemplate().launchTemplateId(),
            String.valueOf(created.launchTemplate().latestVersionNumber()));
        log.info("Created launch template {} ({}) for compute environment {}; Drover launches its hosts from it.",
            name, version.templateId(), ce);
        return version;
      } catch (AwsServiceException e) {
        if (!"InvalidLaunchTemplateName.AlreadyExistsException".equals(code(e))) {
          throw e;
        }
        latest = latest(name);
        if (latest.isEmpty()) {
          throw e;
        }
      }
    }
    LaunchTemplateVersion found = latest.get();
    if (description.equals(found.versionDescription())) {
      return new Version(found.launchTemplateId(), String.valueOf(found.versionNumber()));
    }
    CreateLaunchTemplateVersionResponse created = ec2.createLaunchTemplateVersion(b -> b
        .launchTemplateId(found.launchTemplateId())
        .versionDescription(description)
        .launchTemplateData(data));
    Version version = new Version(found.launchTemplateId(),
        String.valueOf(created.launchTemplateVersion().versionNumber()));
    log.info("Compute environment {}'s launch settings changed: new hosts launch from version {} of launch template "
        + "{} ({}).", ce, version.version(), name, version.templateId());
    return version;
  }

  private Optional<LaunchTemplateVersion> latest(String name) {
    try {
      return ec2.describeLaunchTemplateVersions(b -> b.launchTemplateName(name).versions("$Latest"))
          .launchTemplateVersions().stream().findFirst();
    } catch (AwsServiceException e) {
      if (String.valueOf(code(e)).startsWith("InvalidLaunchTemplateName.NotFound")) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static String code(AwsServiceException e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }
}
