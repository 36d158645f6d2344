package io.drover.agent.exec;

/** The process executor's tests again, with drover-spawn off: commands start through setsid and setpriv. */
class ProcessAttemptExecutorSetprivTest extends ProcessAttemptExecutorTest {

  @Override
  boolean spawnHelper() {
    return false;
  }
}
