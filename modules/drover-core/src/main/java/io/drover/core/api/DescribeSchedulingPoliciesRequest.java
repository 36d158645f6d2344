package io.drover.core.api;

import java.util.List;

/** AWS Batch {@code DescribeSchedulingPolicies} request: up to 100 policy ARNs (or names). */
public record DescribeSchedulingPoliciesRequest(List<String> arns) {}
