package io.drover.core.controlplane;

/**
 * An operator's change to the hosts the scheduler may use, as the controllers send it to the
 * control plane. Hosts are named by their agent id ({@code drover.agent.agent-id}); the controller
 * that takes the request checks that the host exists, since the control plane does not track agents.
 */
public sealed interface HostRequest extends ControlPlaneRequest {

  /** Drains a host (again, with a new reason, if it already is). */
  record DrainHost(String hostId, String reason, String drainedBy, long drainedAt) implements HostRequest {}

  record UndrainHost(String hostId) implements HostRequest {}
}
