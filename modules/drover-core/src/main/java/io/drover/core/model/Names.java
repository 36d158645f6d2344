package io.drover.core.model;

import io.drover.core.ClientError;
import java.util.Map;
import java.util.regex.Pattern;

/** AWS Batch's naming rules for queues, compute environments, definitions and jobs. */
public final class Names {

  private static final Pattern OBJECT_NAME = Pattern.compile("[A-Za-z0-9_-]{1,128}");
  private static final Pattern JOB_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");
  private static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{1,128}");

  private Names() {}

  /** Checks a queue, compute environment or job definition name. */
  public static String objectName(String value, String field) {
    ClientError.required(value, field);
    ClientError.require(
        OBJECT_NAME.matcher(value).matches(),
        field + " '" + value + "' is invalid: use 1-128 letters, numbers, hyphens and underscores.");
    return value;
  }

  public static String jobName(String value, String field) {
    ClientError.required(value, field);
    ClientError.require(
        JOB_NAME.matcher(value).matches(),
        field + " '" + value + "' is invalid: use 1-128 letters, numbers, hyphens and underscores, starting with a letter or number.");
    return value;
  }

  /** Checks AWS's tag limits: at most 50 tags, keys up to 128 and values up to 256 characters. */
  public static Map<String, String> tags(Map<String, String> tags, String field) {
    if (tags == null) {
      return Map.of();
    }
    ClientError.require(tags.size() <= 50, field + " has " + tags.size() + " tags; at most 50 are allowed.");
    tags.forEach((key, value) -> {
      ClientError.require(key != null && TAG_KEY.matcher(key).matches(),
          field + " key '" + key + "' is invalid: 1-128 letters, numbers, spaces and _.:/=+-@.");
      ClientError.require(!key.toLowerCase().startsWith("aws:"), field + " key '" + key + "' uses the reserved prefix aws:.");
      ClientError.require(value != null && value.length() <= 256,
          field + " value for '" + key + "' must be a string of at most 256 characters.");
    });
    return Map.copyOf(tags);
  }
}
