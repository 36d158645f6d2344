package io.drover.capacity;

import io.drover.core.capacity.Lifecycle;
import java.time.Instant;

/**
 * An instance a provider launched for a compute environment, as the provider sees it now. The capacity
 * planner matches it to an agent by {@link #instanceId()} (the agent's {@code DROVER_INSTANCE_ID}), and
 * terminates one whose agent has not joined long after {@link #launchTime()}.
 *
 * @param instanceId the provider's id ({@code i-...} on EC2)
 * @param computeEnvironment the compute environment it was launched for
 * @param instanceType its type
 * @param lifecycle how it is bought
 * @param state pending or running
 * @param launchTime when it was launched
 * @param privateIp its private IPv4 address, or null while it has none
 * @param subnetId its subnet, or null when unknown
 * @param vcpus its vCPUs
 * @param memoryMib its memory in MiB
 */
public record ManagedInstance(
    String instanceId,
    String computeEnvironment,
    String instanceType,
    Lifecycle lifecycle,
    InstanceState state,
    Instant launchTime,
    String privateIp,
    String subnetId,
    int vcpus,
    long memoryMib) {}
