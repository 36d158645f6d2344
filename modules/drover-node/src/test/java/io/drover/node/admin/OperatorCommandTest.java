package io.drover.node.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.node.admin.OperatorCommand.Options;
import io.drover.node.admin.OperatorCommand.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorCommandTest {

  private static final Map<String, String> NO_ENV = Map.of();

  private static String refused(String command, String... args) {
    return assertThrows(UsageException.class, () -> OperatorCommand.parse(command, List.of(args), NO_ENV)).getMessage();
  }

  @Test
  void statusDefaultsToTheLocalControllerAndManagementPort8558() {
    Options options = OperatorCommand.parse("status", List.of(), NO_ENV);

    assertEquals(new Options("status", "http://127.0.0.1:8080", null, "us-east-1", 8558, false, null, null, false), options);
  }

  @Test
  void theEnvironmentGivesDefaultsThatOptionsOverride() {
    Map<String, String> env = Map.of("DROVER_ENDPOINT", "https://api:8443", "AWS_PROFILE", "ops", "AWS_REGION", "eu-west-1");

    assertEquals(new Options("status", "https://api:8443", "ops", "eu-west-1", 8558, false, null, null, false),
        OperatorCommand.parse("status", List.of(), env));
    assertEquals(new Options("status", "http://c1:8080", "admin", "eu-west-1", 9000, true, null, null, false),
        OperatorCommand.parse("status",
            List.of("--endpoint", "http://c1:8080", "--profile", "admin", "--management-port", "9000", "--json"), env));
    assertEquals("http://c2:8080",
        OperatorCommand.parse("status", List.of("--endpoint-url", "http://c2:8080"), env).endpoint());
  }

  @Test
  void drainTakesOneHostIdAndAReasonInAnyOrder() {
    Options options = OperatorCommand.parse("drain", List.of("--reason", "kernel upgrade", "ip-10-0-0-7"), NO_ENV);

    assertEquals("ip-10-0-0-7", options.hostId());
    assertEquals("kernel upgrade", options.reason());
    assertEquals("ip-10-0-0-7", OperatorCommand.parse("undrain", List.of("ip-10-0-0-7"), NO_ENV).hostId());
  }

  @Test
  void helpNeedsNoHostId() {
    assertTrue(OperatorCommand.parse("drain", List.of("--help"), NO_ENV).help());
    assertTrue(OperatorCommand.parse("undrain", List.of("-h"), NO_ENV).help());
    assertTrue(OperatorCommand.parse("status", List.of("--json", "--help"), NO_ENV).help());
  }

  @Test
  void badCommandLinesAreRefusedSayingWhatIsWrong() {
    assertTrue(refused("drain").contains("needs exactly one HOST_ID"));
    assertTrue(refused("undrain", "a", "b").contains("needs exactly one HOST_ID"));
    assertTrue(refused("status", "extra").contains("status takes no arguments"));
    assertTrue(refused("status", "--management-port", "0").contains("--management-port must be a port number"));
    assertTrue(refused("status", "--management-port", "http").contains("--management-port must be a port number"));
    assertTrue(refused("status", "--endpoint").contains("--endpoint needs a value"));
    assertTrue(refused("status", "--endpoint", "controller-1:8080").contains("is not a URL"));
    assertTrue(refused("status", "--reason", "x").contains("unknown option --reason"));
    assertTrue(refused("undrain", "h", "--reason", "x").contains("unknown option --reason"));
    assertTrue(refused("drain", "h", "--json").contains("unknown option --json"));
    assertTrue(refused("drain", "h", "--reason", "x".repeat(257)).contains("--reason must be at most 256 characters"));
  }

  @Test
  void usageErrorsExitWith2AndPrintTheUsageOnStandardError() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code = OperatorCommand.run("drain", List.of(), new PrintStream(out), new PrintStream(err));

    assertEquals(2, code);
    assertEquals("", out.toString(StandardCharsets.UTF_8));
    String errors = err.toString(StandardCharsets.UTF_8);
    assertTrue(errors.startsWith("drover drain: drain needs exactly one HOST_ID"), errors);
    assertTrue(errors.contains("usage: ./drover drain HOST_ID"), errors);
  }

  @Test
  void helpPrintsTheCommandsUsageAndExits0() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    int code = OperatorCommand.run("status", List.of("--help"), new PrintStream(out), new PrintStream(new ByteArrayOutputStream()));

    assertEquals(0, code);
    assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: ./drover status"));
  }
}
