package io.drover.core.iam;

import io.drover.core.ClientError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A permissions policy in IAM's JSON language, as much of it as Drover evaluates: a version and
 * statements that allow or deny actions ({@code batch:SubmitJob}, {@code batch:Describe*}) on
 * resources (ARNs, with wildcards). Operators write them as they would for AWS Batch; anything
 * Drover would not honour (conditions, principals, unknown keys) is refused when the policy is
 * given rather than silently ignored. {@link PolicyEvaluator} decides requests against them.
 *
 * @param version {@value #VERSION_2012_10_17} or {@value #VERSION_2008_10_17}
 * @param statements at least one
 */
public record PolicyDocument(String version, List<Statement> statements) {

  public static final String VERSION_2012_10_17 = "2012-10-17";
  public static final String VERSION_2008_10_17 = "2008-10-17";

  public PolicyDocument {
    Objects.requireNonNull(version, "version");
    statements = List.copyOf(statements);
    if (statements.isEmpty()) {
      throw new IllegalArgumentException("a policy document needs at least one statement");
    }
  }

  /** The policy of an administrator: every action on every resource. */
  public static PolicyDocument adminPolicy() {
    return new PolicyDocument(VERSION_2012_10_17,
        List.of(new Statement(null, Effect.ALLOW, List.of("*"), false, List.of("*"), false)));
  }

  /**
   * Reads a policy document from a parsed JSON tree: what Jackson's {@code readValue(json,
   * Object.class)} gives (maps, lists, strings, numbers, booleans, null). {@code Version} is
   * optional and defaults to {@value #VERSION_2012_10_17}; {@code Statement} is one statement or a
   * non-empty array of them.
   *
   * @param field the name of the document in error messages, e.g. {@code policyDocument}
   * @throws ClientError naming the exact field at fault, e.g. {@code policyDocument.Statement[2].Action[0]}
   */
  public static PolicyDocument parse(Object tree, String field) {
    if (!(tree instanceof Map<?, ?> map)) {
      throw new ClientError(field + " must be a JSON object with Version and Statement, like an IAM policy document.");
    }
    for (Object key : map.keySet()) {
      if (!"Version".equals(key) && !"Statement".equals(key)) {
        throw new ClientError(field + "." + key + " is not supported by Drover: a policy document takes only Version and Statement.");
      }
    }
    Object version = map.get("Version");
    if (version != null && !VERSION_2012_10_17.equals(version) && !VERSION_2008_10_17.equals(version)) {
      throw new ClientError(field + ".Version must be " + VERSION_2012_10_17 + " or " + VERSION_2008_10_17 + ".");
    }
    Object statement = map.get("Statement");
    if (statement == null) {
      throw new ClientError(field + ".Statement is required: a statement object or a non-empty array of them.");
    }
    List<Statement> statements = new ArrayList<>();
    if (statement instanceof List<?> list) {
      if (list.isEmpty()) {
        throw new ClientError(field + ".Statement must not be empty.");
      }
      for (int i = 0; i < list.size(); i++) {
        statements.add(Statement.parse(list.get(i), field + ".Statement[" + i + "]"));
      }
    } else {
      statements.add(Statement.parse(statement, field + ".Statement"));
    }
    return new PolicyDocument(version == null ? VERSION_2012_10_17 : (String) version, statements);
  }

  /**
   * This document as IAM's JSON writes it, in the shape {@link #parse} reads: {@code Version}, then
   * {@code Statement} as an array; actions and resources always as arrays.
   */
  public Map<String, Object> toTree() {
    List<Object> statementTrees = new ArrayList<>(statements.size());
    for (Statement statement : statements) {
      statementTrees.add(statement.toTree());
    }
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("Version", version);
    tree.put("Statement", statementTrees);
    return tree;
  }
}
