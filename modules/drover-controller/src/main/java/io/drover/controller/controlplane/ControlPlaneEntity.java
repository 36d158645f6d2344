package io.drover.controller.controlplane;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.drover.core.CborSerializable;
import io.drover.core.ClientError;
import io.drover.core.api.CreateComputeEnvironmentRequest;
import io.drover.core.api.CreateJobQueueRequest;
import io.drover.core.api.CreateSchedulingPolicyRequest;
import io.drover.core.api.DeleteComputeEnvironmentRequest;
import io.drover.core.api.DeleteJobQueueRequest;
import io.drover.core.api.DeleteSchedulingPolicyRequest;
import io.drover.core.api.DeregisterJobDefinitionRequest;
import io.drover.core.api.RegisterJobDefinitionRequest;
import io.drover.core.api.UpdateComputeEnvironmentRequest;
import io.drover.core.api.UpdateJobQueueRequest;
import io.drover.core.api.UpdateSchedulingPolicyRequest;
import io.drover.core.controlplane.ControlPlaneEvent;
import io.drover.core.controlplane.HostRequest;
import io.drover.core.controlplane.ControlPlaneRequest;
import io.drover.core.controlplane.ControlPlaneRules;
import io.drover.core.controlplane.ControlPlaneState;
import io.drover.core.users.UserRequest;
import io.drover.protocol.Roles;
import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The durable control plane: every compute environment, job queue, job definition, scheduling
 * policy, user, access key and drained host, as one event-sourced cluster singleton on the controllers. Writes
 * are rare and must be serialized (names are unique, revisions count up), so one entity is the
 * right boundary. Every node keeps a {@link ControlPlaneView} of it, so reads, job submissions and
 * signature checks never wait on this singleton.
 */
public final class ControlPlaneEntity
    extends EventSourcedBehaviorWithEnforcedReplies<ControlPlaneEntity.Command, ControlPlaneEvent, ControlPlaneState> {

  public interface Command extends CborSerializable {}

  /** Applies a request; replies with the event and its sequence number, or an error for the caller. */
  public record Execute(
      @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "operation")
      @JsonSubTypes({
        @JsonSubTypes.Type(value = CreateComputeEnvironmentRequest.class, name = "CreateComputeEnvironment"),
        @JsonSubTypes.Type(value = UpdateComputeEnvironmentRequest.class, name = "UpdateComputeEnvironment"),
        @JsonSubTypes.Type(value = DeleteComputeEnvironmentRequest.class, name = "DeleteComputeEnvironment"),
        @JsonSubTypes.Type(value = CreateJobQueueRequest.class, name = "CreateJobQueue"),
        @JsonSubTypes.Type(value = UpdateJobQueueRequest.class, name = "UpdateJobQueue"),
        @JsonSubTypes.Type(value = DeleteJobQueueRequest.class, name = "DeleteJobQueue"),
        @JsonSubTypes.Type(value = RegisterJobDefinitionRequest.class, name = "RegisterJobDefinition"),
        @JsonSubTypes.Type(value = DeregisterJobDefinitionRequest.class, name = "DeregisterJobDefinition"),
        @JsonSubTypes.Type(value = CreateSchedulingPolicyRequest.class, name = "CreateSchedulingPolicy"),
        @JsonSubTypes.Type(value = UpdateSchedulingPolicyRequest.class, name = "UpdateSchedulingPolicy"),
        @JsonSubTypes.Type(value = DeleteSchedulingPolicyRequest.class, name = "DeleteSchedulingPolicy"),
        @JsonSubTypes.Type(value = UserRequest.CreateUser.class, name = "CreateUser"),
        @JsonSubTypes.Type(value = UserRequest.DeleteUser.class, name = "DeleteUser"),
        @JsonSubTypes.Type(value = UserRequest.AddAccessKey.class, name = "AddAccessKey"),
        @JsonSubTypes.Type(value = UserRequest.UpdateAccessKey.class, name = "UpdateAccessKey"),
        @JsonSubTypes.Type(value = UserRequest.DeleteAccessKey.class, name = "DeleteAccessKey"),
        @JsonSubTypes.Type(value = UserRequest.PutUserPolicy.class, name = "PutUserPolicy"),
        @JsonSubTypes.Type(value = UserRequest.DeleteUserPolicy.class, name = "DeleteUserPolicy"),
        @JsonSubTypes.Type(value = HostRequest.DrainHost.class, name = "DrainHost"),
        @JsonSubTypes.Type(value = HostRequest.UndrainHost.class, name = "UndrainHost")
      })
          ControlPlaneRequest request,
      ActorRef<StatusReply<Applied>> replyTo)
      implements Command {}

  public record Applied(ControlPlaneEvent event, long sequenceNr) implements CborSerializable {}

  /** Sends the current state to {@code replyTo}, then every change after it, until it stops. */
  public record Subscribe(ActorRef<Update> subscriber) implements Command {}

  /** Replies with the current state once. */
  public record GetState(ActorRef<Update> replyTo) implements Command {}

  /** What subscribers receive. */
  public interface Update extends CborSerializable {}

  public record Snapshot(ControlPlaneState state, long sequenceNr) implements Update {}

  public record Changed(ControlPlaneEvent event, long sequenceNr) implements Update {}

  private record SubscriberTerminated(ActorRef<Update> subscriber) implements Command {}

  public static final String SINGLETON_NAME = "control-plane";

  /** Starts the singleton on controllers and returns a proxy to it (usable from any node). */
  public static ActorRef<Command> init(ActorSystem<?> system, ControlPlaneRules rules) {
    return ClusterSingleton.get(system).init(
        SingletonActor.of(create(rules), SINGLETON_NAME)
            .withSettings(ClusterSingletonSettings.create(system).withRole(Roles.CONTROLLER)));
  }

  private final ActorContext<Command> context;
  private final ControlPlaneRules rules;
  private final Set<ActorRef<Update>> subscribers = new HashSet<>();

  private ControlPlaneEntity(ActorContext<Command> context, ControlPlaneRules rules) {
    super(PersistenceId.ofUniqueId("ControlPlane"));
    this.context = context;
    this.rules = rules;
  }

  @Override
  public ControlPlaneState emptyState() {
    return ControlPlaneState.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(200, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, ControlPlaneEvent, ControlPlaneState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Execute.class, this::onExecute)
        .onCommand(Subscribe.class, this::onSubscribe)
        .onCommand(GetState.class, (state, cmd) -> Effect().reply(cmd.replyTo(), snapshot(state)))
        .onCommand(SubscriberTerminated.class, (state, cmd) -> {
          subscribers.remove(cmd.subscriber());
          return Effect().noReply();
        })
        .build();
  }

  private ReplyEffect<ControlPlaneEvent, ControlPlaneState> onExecute(ControlPlaneState state, Execute cmd) {
    ControlPlaneEvent event;
    try {
      event = rules.execute(state, cmd.request());
    } catch (ClientError e) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(e.getMessage()));
    }
    return Effect()
        .persist(event)
        .thenRun(newState -> {
          long seqNr = lastSequenceNumber(context);
          subscribers.forEach(s -> s.tell(new Changed(event, seqNr)));
        })
        .thenReply(cmd.replyTo(), newState -> StatusReply.success(new Applied(event, lastSequenceNumber(context))));
  }

  private ReplyEffect<ControlPlaneEvent, ControlPlaneState> onSubscribe(ControlPlaneState state, Subscribe cmd) {
    if (subscribers.add(cmd.subscriber())) {
      context.watchWith(cmd.subscriber(), new SubscriberTerminated(cmd.subscriber()));
    }
    return Effect().reply(cmd.subscriber(), snapshot(state));
  }

  private Snapshot snapshot(ControlPlaneState state) {
    return new Snapshot(state, lastSequenceNumber(context));
  }

  @Override
  public EventHandler<ControlPlaneState, ControlPlaneEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(ControlPlaneState::apply);
  }

  /** The entity's behavior; {@link #init} runs it as the cluster singleton. */
  public static Behavior<Command> create(ControlPlaneRules rules) {
    return Behaviors.setup(ctx -> new ControlPlaneEntity(ctx, rules));
  }
}
