package io.drover.controller.logs;

import io.drover.controller.readside.LogStore;
import io.drover.protocol.LogProtocol;
import io.drover.protocol.LogProtocol.AppendLog;
import io.drover.protocol.LogProtocol.GetLogPosition;
import io.drover.protocol.LogProtocol.LogAppended;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives attempt output from agents and stores it; one per controller, found by agents through
 * the receptionist. It acknowledges a batch only once Cassandra has it, so an agent keeps (and
 * resends) output until it is durable. An agent that re-attached to an attempt after a restart
 * asks it how much of that attempt's output is already stored.
 */
public final class LogIngest {

  private static final Logger log = LoggerFactory.getLogger(LogIngest.class);

  private LogIngest() {}

  public static Behavior<LogProtocol.LogCommand> create(LogStore store) {
    return Behaviors.supervise(ingest(store)).onFailure(SupervisorStrategy.restart());
  }

  private static Behavior<LogProtocol.LogCommand> ingest(LogStore store) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(LogProtocol.SERVICE_KEY, ctx.getSelf()));
      return Behaviors.receive(LogProtocol.LogCommand.class)
          .onMessage(AppendLog.class, msg -> {
            if (msg.chunks().isEmpty()) {
              return Behaviors.same();
            }
            long last = msg.chunks().get(msg.chunks().size() - 1).seq();
            store.append(msg.jobId(), msg.attempt(), msg.chunks()).whenComplete((ok, error) -> {
              if (error == null) {
                msg.replyTo().tell(new LogAppended(msg.jobId(), msg.attempt(), last));
              } else {
                log.warn("Could not store output of job {} attempt {} (the agent will resend it): {}",
                    msg.jobId(), msg.attempt(), error.getMessage());
              }
            });
            return Behaviors.same();
          })
          .onMessage(GetLogPosition.class, msg -> {
            store.position(msg.jobId(), msg.attempt()).whenComplete((position, error) -> {
              if (error == null) {
                msg.replyTo().tell(position);
              } else {
                log.warn("Could not read how much output of job {} attempt {} is stored (the agent will ask again): {}",
                    msg.jobId(), msg.attempt(), error.getMessage());
              }
            });
            return Behaviors.same();
          })
          .build();
    });
  }
}
