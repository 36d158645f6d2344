package io.drover.core.iam;

import io.drover.core.ClientError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One statement of a {@link PolicyDocument}: it allows or denies the actions it matches on the
 * resources it matches. {@code notAction} makes {@code actions} the ones it does not match (and so
 * matches every other); {@code notResource} does the same for {@code resources}.
 *
 * @param sid an optional label, null when the statement has none
 * @param actions patterns such as {@code batch:SubmitJob}, {@code batch:Describe*} or {@code *}, matched ignoring case
 * @param resources ARN patterns or {@code *}, matched case-sensitively; {@code *} and {@code ?} are wildcards
 */
public record Statement(String sid, Effect effect, List<String> actions, boolean notAction, List<String> resources,
                        boolean notResource) {

  private static final Pattern ACTION = Pattern.compile("\\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+");
  private static final Pattern RESOURCE = Pattern.compile("\\*|arn:\\S+");
  private static final List<String> KEYS = List.of("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource");
  private static final int MAX_ECHO = 100;

  public Statement {
    Objects.requireNonNull(effect, "effect");
    actions = List.copyOf(actions);
    resources = List.copyOf(resources);
    if (actions.isEmpty() || resources.isEmpty()) {
      throw new IllegalArgumentException("a statement needs at least one action and one resource pattern");
    }
  }

  /** Whether this statement applies to {@code action} on {@code resourceArn}. */
  boolean matches(String action, String resourceArn) {
    return matchesAction(action) && matchesResource(resourceArn);
  }

  boolean matchesAction(String action) {
    return actions.stream().anyMatch(pattern -> Wildcards.matches(pattern, action, true)) != notAction;
  }

  boolean matchesResource(String resourceArn) {
    return resources.stream().anyMatch(pattern -> Wildcards.matches(pattern, resourceArn, false)) != notResource;
  }

  /** Whether this statement matches every resource whatever its ARN: a {@code Resource} pattern of stars only. */
  boolean coversEveryResource() {
    return !notResource && resources.stream().anyMatch(pattern -> pattern.chars().allMatch(c -> c == '*'));
  }

  /** This statement as IAM's JSON writes it, for {@link PolicyDocument#toTree()}. */
  Map<String, Object> toTree() {
    Map<String, Object> tree = new LinkedHashMap<>();
    if (sid != null) {
      tree.put("Sid", sid);
    }
    tree.put("Effect", effect.jsonName());
    tree.put(notAction ? "NotAction" : "Action", actions);
    tree.put(notResource ? "NotResource" : "Resource", resources);
    return tree;
  }

  /** Reads one statement from a parsed JSON tree; {@code field} names it in errors, e.g. {@code policyDocument.Statement[2]}. */
  static Statement parse(Object tree, String field) {
    if (!(tree instanceof Map<?, ?> map)) {
      throw new ClientError(field + " must be a JSON object with Effect, Action and Resource.");
    }
    for (Object key : map.keySet()) {
      if (!KEYS.contains(key)) {
        throw new ClientError(field + "." + key + " is not supported by Drover" + hint(key)
            + ": a statement takes only Sid, Effect, Action or NotAction, and Resource or NotResource.");
      }
    }
    Object sid = map.get("Sid");
    if (sid != null && !(sid instanceof String)) {
      throw new ClientError(field + ".Sid must be a string.");
    }
    Object effect = map.get("Effect");
    if (effect == null) {
      throw new ClientError(field + ".Effect is required: Allow or Deny.");
    }
    if (!Effect.ALLOW.jsonName().equals(effect) && !Effect.DENY.jsonName().equals(effect)) {
      throw new ClientError(field + ".Effect must be Allow or Deny.");
    }
    String actionKey = exactlyOne(map, field, "Action", "NotAction");
    String resourceKey = exactlyOne(map, field, "Resource", "NotResource");
    return new Statement((String) sid, Effect.ALLOW.jsonName().equals(effect) ? Effect.ALLOW : Effect.DENY,
        patterns(map.get(actionKey), field + "." + actionKey, ACTION,
            "must look like service:Name, e.g. batch:SubmitJob, batch:Describe* or *"),
        actionKey.equals("NotAction"),
        patterns(map.get(resourceKey), field + "." + resourceKey, RESOURCE,
            "must be * or an ARN such as arn:aws:batch:us-east-1:123456789012:job-queue/nightly (* and ? are wildcards)"),
        resourceKey.equals("NotResource"));
  }

  private static String exactlyOne(Map<?, ?> map, String field, String key, String notKey) {
    boolean plain = map.get(key) != null;
    boolean not = map.get(notKey) != null;
    if (plain && not) {
      throw new ClientError(field + " has both " + key + " and " + notKey + "; give exactly one of them.");
    }
    if (!plain && !not) {
      throw new ClientError(field + "." + key + " is required (or " + notKey + ").");
    }
    return plain ? key : notKey;
  }

  private static List<String> patterns(Object value, String field, Pattern shape, String rule) {
    if (value instanceof String single) {
      return List.of(checked(single, field, shape, rule));
    }
    if (!(value instanceof List<?> list) || list.isEmpty()) {
      throw new ClientError(field + " must be a string or a non-empty array of strings.");
    }
    List<String> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      String element = field + "[" + i + "]";
      if (!(list.get(i) instanceof String pattern)) {
        throw new ClientError(element + " must be a string.");
      }
      out.add(checked(pattern, element, shape, rule));
    }
    return out;
  }

  private static String checked(String pattern, String field, Pattern shape, String rule) {
    if (!shape.matcher(pattern).matches()) {
      String shown = pattern.length() > MAX_ECHO ? pattern.substring(0, MAX_ECHO) + "..." : pattern;
      throw new ClientError(field + " " + rule + "; got '" + shown + "'.");
    }
    return pattern;
  }

  private static String hint(Object key) {
    if ("Condition".equals(key)) {
      return " (it evaluates no conditions)";
    }
    if ("Principal".equals(key) || "NotPrincipal".equals(key)) {
      return " (its policies are attached to users, so they name no principal)";
    }
    return "";
  }
}
