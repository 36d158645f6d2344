package io.drover.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * One node's Prometheus registry, with the JVM's metrics in it, served as {@code GET /metrics} on
 * the management port. It is an extension of the node's actor system, not a JVM-wide static, so
 * several nodes in one JVM (the integration tests) each count their own. The controller and agent
 * metrics are registered by the roles the node carries ({@link #controller()}, {@link #agent()}).
 */
public final class NodeMetrics implements Extension {

  /** The extension's id: {@code NodeMetrics.ID.get(system)}. */
  public static final ExtensionId<NodeMetrics> ID = new ExtensionId<>() {
    @Override
    public NodeMetrics createExtension(ActorSystem<?> system) {
      return new NodeMetrics(new PrometheusRegistry());
    }
  };

  private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();

  private final PrometheusRegistry registry;
  private volatile ControllerMetrics controller;
  private volatile AgentMetrics agent;

  /** A node's metrics in the given registry, which gets the JVM's metrics at once. */
  public NodeMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    JvmMetrics.builder().register(registry);
  }

  public static NodeMetrics get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /** The controller's metrics, registered on first use. */
  public ControllerMetrics controller() {
    ControllerMetrics metrics = controller;
    if (metrics == null) {
      synchronized (this) {
        if (controller == null) {
          controller = new ControllerMetrics(registry);
        }
        metrics = controller;
      }
    }
    return metrics;
  }

  /** The agent's metrics, registered on first use (the attempt runners ask for them once each). */
  public AgentMetrics agent() {
    AgentMetrics metrics = agent;
    if (metrics == null) {
      synchronized (this) {
        if (agent == null) {
          agent = new AgentMetrics(registry);
        }
        metrics = agent;
      }
    }
    return metrics;
  }

  /** The content type of {@link #scrape()}: Prometheus text format 0.0.4. */
  public static String contentType() {
    return PrometheusTextFormatWriter.CONTENT_TYPE;
  }

  /** Every metric of this node in Prometheus text format. */
  public byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      TEXT.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
