/**
 * Running one job attempt on this host: {@link io.drover.agent.exec.AttemptExecutor} with a Docker
 * implementation ({@link io.drover.agent.exec.DockerAttemptExecutor}) and a plain-process one for
 * hosts without Docker ({@link io.drover.agent.exec.ProcessAttemptExecutor}). Every method returns
 * without blocking; blocking I/O runs on an {@link java.util.concurrent.Executor} the caller owns.
 */
package io.drover.agent.exec;
