package io.drover.node;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import io.drover.metrics.NodeMetrics;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * {@code GET /metrics} on the management port (next to {@code /ready} and {@code /alive}): this
 * node's {@link NodeMetrics} in Prometheus text format. Registered in drover-node's
 * {@code reference.conf} under {@code pekko.management.http.routes}, so every node serves it.
 */
public final class MetricsRoutes implements ManagementRouteProvider {

  /** Prometheus text format 0.0.4: {@code text/plain; version=0.0.4; charset=utf-8}. */
  private static final ContentType TEXT_FORMAT = ContentTypes.parse(NodeMetrics.contentType());

  private final NodeMetrics metrics;

  /** Pekko Management creates it with the node's actor system, whose {@link NodeMetrics} it serves. */
  public MetricsRoutes(ExtendedActorSystem system) {
    this.metrics = NodeMetrics.get(Adapter.toTyped(system));
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return path("metrics", () -> get(() -> complete(HttpResponse.create()
        .withEntity(HttpEntities.create(TEXT_FORMAT, metrics.scrape())))));
  }
}
