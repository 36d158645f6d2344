package io.drover.agent.exec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/** Collects an attempt's output per stream. */
final class RecordingSink implements OutputSink {

  private final Map<OutputStream, ByteArrayOutputStream> streams = new EnumMap<>(OutputStream.class);

  @Override
  public synchronized void accept(OutputStream stream, byte[] data) {
    streams.computeIfAbsent(stream, s -> new ByteArrayOutputStream()).writeBytes(data);
  }

  synchronized String text(OutputStream stream) {
    ByteArrayOutputStream bytes = streams.get(stream);
    return bytes == null ? "" : bytes.toString(StandardCharsets.UTF_8);
  }
}
