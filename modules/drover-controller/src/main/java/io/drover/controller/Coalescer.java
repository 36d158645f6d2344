package io.drover.controller;

import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Turns an actor's "something changed, act on it" signals into at most one action per interval:
 * the first change after a quiet interval is acted on at once (a lone job is not kept waiting for a
 * timer), later ones are gathered until the interval since the last action is over (a burst is
 * handled in few actions). A request may ask for a longer interval (a change that can wait); a
 * later request with a shorter one brings the action forward. The actor sends itself
 * {@code message}; it calls {@link #running} when that message arrives.
 */
public final class Coalescer<T> {

  private final TimerScheduler<T> timers;
  private final ActorRef<T> self;
  private final T message;
  private final long intervalNanos;
  private boolean pending;
  private long dueAt;
  private long lastRun;

  public Coalescer(TimerScheduler<T> timers, ActorRef<T> self, T message, Duration interval) {
    this.timers = timers;
    this.self = self;
    this.message = message;
    this.intervalNanos = interval.toNanos();
    this.lastRun = System.nanoTime() - intervalNanos;
  }

  /** Something changed: the action runs now if the last one was an interval ago, else when it will be. */
  public void request() {
    requestWithin(intervalNanos);
  }

  /** Something changed that can wait until {@code interval} after the last action. */
  public void request(Duration interval) {
    requestWithin(Math.max(intervalNanos, interval.toNanos()));
  }

  private void requestWithin(long interval) {
    long now = System.nanoTime();
    long due = Math.max(now, lastRun + interval);
    if (pending && due >= dueAt) {
      return;
    }
    pending = true;
    dueAt = due;
    if (due <= now) {
      timers.cancel(message.getClass());
      self.tell(message);
    } else {
      timers.startSingleTimer(message.getClass(), message, Duration.ofNanos(due - now));
    }
  }

  /** The action is running: changes from now on ask for another. */
  public void running() {
    pending = false;
    lastRun = System.nanoTime();
  }
}
