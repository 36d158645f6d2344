package io.drover.node.upgrade;

/**
 * The rolling upgrade refused to start or stopped at a node; the message says which node, what it
 * was waiting for, and which nodes were and were not upgraded.
 */
public final class UpgradeException extends Exception {

  UpgradeException(String message) {
    super(message);
  }

  UpgradeException(String message, Throwable cause) {
    super(message, cause);
  }
}
