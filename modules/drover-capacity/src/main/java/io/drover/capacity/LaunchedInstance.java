package io.drover.capacity;

import io.drover.core.capacity.Lifecycle;

/**
 * An instance a launch started. Its agent joins the cluster on its own once the host has booted.
 *
 * @param instanceId the provider's id for it ({@code i-...} on EC2)
 * @param instanceType its type
 * @param lifecycle how it is bought
 * @param subnetId the subnet it runs in, when known; else null
 */
public record LaunchedInstance(String instanceId, String instanceType, Lifecycle lifecycle, String subnetId) {}
