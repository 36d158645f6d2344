package io.drover.core.controlplane;

/**
 * An AWS Batch request that changes the control plane. Messages that carry one across the
 * cluster declare the subtypes on their field, so the request records stay plain JSON for the API.
 */
public interface ControlPlaneRequest {}
