package io.drover.node.discovery;

/** An EC2-tag lookup failed; the message says why and what to fix. Cluster Bootstrap logs it and retries. */
public final class Ec2DiscoveryException extends RuntimeException {

  /** Creates the exception with an operator-facing message and its cause. */
  public Ec2DiscoveryException(String message, Throwable cause) {
    super(message, cause);
  }
}
