package io.drover.controller.lease;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code lease_nodes (owner)}: one row per controller address, naming the process
 * ({@code incarnation}) that holds it and until when ({@code expires_at}, milliseconds since the
 * epoch on that process's clock). Every write is a lightweight transaction (Paxos) at QUORUM, so
 * two processes never both succeed in taking the same row and a QUORUM read sees every write.
 */
final class LeaseStore {

  static final String NODES = "lease_nodes";
  /** Rows of controllers that never come back (an address retired) disappear after a day. */
  private static final int ROW_TTL = 86_400;

  private final CqlSession session;
  private final Duration timeout;
  private final PreparedStatement insertNode;
  private final PreparedStatement replaceNode;
  private final PreparedStatement renewNode;
  private final PreparedStatement deleteNode;
  private final PreparedStatement selectNode;
  private final PreparedStatement selectNodes;

  private LeaseStore(CqlSession session, Duration timeout, PreparedStatement insertNode,
      PreparedStatement replaceNode, PreparedStatement renewNode, PreparedStatement deleteNode,
      PreparedStatement selectNode, PreparedStatement selectNodes) {
    this.session = session;
    this.timeout = timeout;
    this.insertNode = insertNode;
    this.replaceNode = replaceNode;
    this.renewNode = renewNode;
    this.deleteNode = deleteNode;
    this.selectNode = selectNode;
    this.selectNodes = selectNodes;
  }

  /** Prepares the statements; fails if the table is missing (a schema older than leases). */
  static CompletionStage<LeaseStore> prepare(CqlSession session, String keyspace, Duration timeout) {
    String nodes = keyspace + "." + NODES;
    var insertNode = prepare(session,
        "INSERT INTO " + nodes + " (owner, incarnation, expires_at) VALUES (?, ?, ?) IF NOT EXISTS USING TTL " + ROW_TTL);
    var replaceNode = prepare(session, "UPDATE " + nodes + " USING TTL " + ROW_TTL
        + " SET incarnation = ?, expires_at = ? WHERE owner = ? IF incarnation = ? AND expires_at = ?");
    var renewNode = prepare(session, "UPDATE " + nodes + " USING TTL " + ROW_TTL
        + " SET incarnation = ?, expires_at = ? WHERE owner = ? IF incarnation = ?");
    var deleteNode = prepare(session, "DELETE FROM " + nodes + " WHERE owner = ? IF incarnation = ?");
    var selectNode = prepare(session, "SELECT incarnation, expires_at FROM " + nodes + " WHERE owner = ?");
    var selectNodes = prepare(session, "SELECT owner, incarnation, expires_at FROM " + nodes);
    return CompletableFuture.allOf(insertNode, replaceNode, renewNode, deleteNode, selectNode, selectNodes)
        .thenApply(done -> new LeaseStore(session, timeout, insertNode.join(), replaceNode.join(), renewNode.join(),
            deleteNode.join(), selectNode.join(), selectNodes.join()));
  }

  private static CompletableFuture<PreparedStatement> prepare(CqlSession session, String cql) {
    return session.prepareAsync(cql).toCompletableFuture();
  }

  static String createTableStatement(String keyspace) {
    return "CREATE TABLE IF NOT EXISTS " + keyspace + "." + NODES
        + " (owner text PRIMARY KEY, incarnation uuid, expires_at bigint)";
  }

  /** A process's hold on the row of its address. */
  record NodeRow(String owner, UUID incarnation, long expiresAt) {}

  /** Creates the node row; empty if it was created, else the row already there. */
  CompletionStage<Optional<NodeRow>> insertNode(String owner, UUID incarnation, long expiresAt) {
    return lwt(insertNode.bind(owner, incarnation, expiresAt))
        .thenApply(rs -> rs.wasApplied() ? Optional.empty() : Optional.of(nodeRow(owner, rs.one())));
  }

  /** Takes the node row over from {@code expired}, if it still holds exactly that. */
  CompletionStage<Boolean> replaceNode(NodeRow expired, UUID incarnation, long expiresAt) {
    return applied(replaceNode.bind(incarnation, expiresAt, expired.owner(), expired.incarnation(), expired.expiresAt()));
  }

  /** Extends the node row; false if another process holds it, or nobody does. */
  CompletionStage<Boolean> renewNode(String owner, UUID incarnation, long expiresAt) {
    return applied(renewNode.bind(incarnation, expiresAt, owner, incarnation));
  }

  CompletionStage<Boolean> deleteNode(String owner, UUID incarnation) {
    return applied(deleteNode.bind(owner, incarnation));
  }

  /**
   * The rows of {@code seen} as Paxos last agreed on them (SERIAL reads, which complete any write in
   * progress): a row seen at QUORUM may be one that a Paxos round is replacing. Rows since deleted
   * are left out.
   */
  CompletionStage<List<NodeRow>> confirm(List<NodeRow> seen) {
    List<CompletableFuture<Optional<NodeRow>>> reads = seen.stream().map(row -> readNode(row.owner())).toList();
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
        .thenApply(done -> reads.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList());
  }

  private CompletableFuture<Optional<NodeRow>> readNode(String owner) {
    BoundStatement read = selectNode.bind(owner).setConsistencyLevel(DefaultConsistencyLevel.SERIAL);
    return execute(read).thenApply(rs -> Optional.ofNullable(rs.one()).map(row -> nodeRow(owner, row)))
        .toCompletableFuture();
  }

  /** Every node row (a handful: one per controller address that holds or held a lease). */
  CompletionStage<List<NodeRow>> readNodes() {
    return execute(selectNodes.bind().setConsistencyLevel(DefaultConsistencyLevel.QUORUM)).thenApply(rs -> {
      List<NodeRow> rows = new ArrayList<>();
      rs.currentPage().forEach(row -> rows.add(nodeRow(row.getString("owner"), row)));
      return rows;
    });
  }

  private static NodeRow nodeRow(String owner, Row row) {
    return new NodeRow(owner, row.getUuid("incarnation"), row.getLong("expires_at"));
  }

  private CompletionStage<Boolean> applied(BoundStatement statement) {
    return lwt(statement).thenApply(AsyncResultSet::wasApplied);
  }

  private CompletionStage<AsyncResultSet> lwt(BoundStatement statement) {
    return execute(statement.setConsistencyLevel(DefaultConsistencyLevel.QUORUM));
  }

  private CompletionStage<AsyncResultSet> execute(BoundStatement statement) {
    return session.executeAsync(statement.setTimeout(timeout));
  }
}
