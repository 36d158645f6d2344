package io.drover.core.users;

import io.drover.core.CborSerializable;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A person or pipeline that calls Drover's API, in IAM's terms: a name, an ARN, and inline policies
 * (policy name to policy document, as the JSON text the admin gave) that say what it may do.
 */
public record User(String userName, String arn, long createdAt, SortedMap<String, String> policies)
    implements CborSerializable {

  public User {
    policies = Collections.unmodifiableSortedMap(policies == null ? new TreeMap<>() : new TreeMap<>(policies));
  }

  public User withPolicy(String policyName, String document) {
    TreeMap<String, String> next = new TreeMap<>(policies);
    next.put(policyName, document);
    return new User(userName, arn, createdAt, next);
  }

  public User withoutPolicy(String policyName) {
    TreeMap<String, String> next = new TreeMap<>(policies);
    next.remove(policyName);
    return new User(userName, arn, createdAt, next);
  }
}
