package io.drover.agent.exec;

import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.MDC;

/**
 * Runs each task with the logging MDC of the thread that handed it over: an attempt's runner calls
 * the executors with its {@code jobId}, {@code attempt} and {@code node} in the MDC, and the work
 * the executors do on their own threads logs with them too.
 */
final class MdcPropagatingExecutor implements Executor {

  private final Executor delegate;

  MdcPropagatingExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    Map<String, String> handedOver = MDC.getCopyOfContextMap();
    delegate.execute(() -> {
      Map<String, String> own = MDC.getCopyOfContextMap();
      use(handedOver);
      try {
        task.run();
      } finally {
        use(own);
      }
    });
  }

  private static void use(Map<String, String> mdc) {
    if (mdc == null) {
      MDC.clear();
    } else {
      MDC.setContextMap(mdc);
    }
  }
}
