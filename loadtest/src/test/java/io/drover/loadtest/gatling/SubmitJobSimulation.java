package io.drover.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;

/**
 * HTTP load on a running Drover's AWS Batch API: how fast SubmitJob and DescribeJobs answer
 * (response-time percentiles, requests per second, failures) while jobs arrive at a fixed rate or
 * all at once, with ListJobs polled alongside as a dashboard or CLI would.
 *
 * <p>Each virtual user submits one job, then describes it twice, one second apart, checking that
 * the job is found. A lighter scenario lists the queue's RUNNABLE jobs. {@code load.profile} chooses how
 * submitters arrive:
 *
 * <ul>
 *   <li>{@code rate} (default): {@code load.rate} users per second (200) for
 *       {@code load.duration} seconds (30);
 *   <li>{@code burst}: {@code load.burst} users at once (1000).
 * </ul>
 *
 * ListJobs is polled by {@code load.listRate} users per second (5) for {@code load.duration}
 * seconds in either profile. The run fails only when 1% or more of the requests fail; latency is
 * reported, not asserted. The settings are system properties outside {@code gatling.*}, which
 * Gatling's Maven plugin does not pass on to the JVM it runs the simulation in. Run it with
 * {@code loadtest/gatling}, or:
 *
 * <pre>
 * mvn -f loadtest/pom.xml gatling:test -Dload.profile=burst -Dload.burst=500 \
 *     -Ddrover.endpoint=http://127.0.0.1:8080 -Ddrover.queue=dev -Ddrover.definition=hello
 * </pre>
 *
 * Requests are signed with the AWS SDK's default credentials ({@code AWS_PROFILE}, or
 * {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY}); {@code loadtest/gatling} uses
 * {@code ./drover dev}'s administrator when none are set. The HTML report goes to
 * {@code loadtest/results/gatling/}.
 */
public class SubmitJobSimulation extends Simulation {

  private static final String ENDPOINT = System.getProperty("drover.endpoint", "http://127.0.0.1:8080");
  private static final String QUEUE = System.getProperty("drover.queue", "dev");
  private static final String DEFINITION = System.getProperty("drover.definition", "hello");
  private static final String PROFILE = System.getProperty("load.profile", "rate");
  private static final double RATE = Double.parseDouble(System.getProperty("load.rate", "200"));
  private static final Duration DURATION = Duration.ofSeconds(Long.getLong("load.duration", 30));
  private static final int BURST = Integer.getInteger("load.burst", 1000);
  private static final double LIST_RATE = Double.parseDouble(System.getProperty("load.listRate", "5"));
  private static final SigV4Signing SIGNED = new SigV4Signing(System.getProperty("drover.region", "us-east-1"));

  private static final HttpProtocolBuilder DROVER = http.baseUrl(ENDPOINT)
      // Loads the HTTP client's classes before the first measured request.
      .warmUp(ENDPOINT)
      .contentTypeHeader("application/json")
      .acceptHeader("application/json");

  private static final ChainBuilder SUBMIT_AND_DESCRIBE = exec(
      http("SubmitJob").post("/v1/submitjob")
          .body(StringBody("{\"jobName\":\"gatling-" + PROFILE + "\",\"jobQueue\":\"" + QUEUE
              + "\",\"jobDefinition\":\"" + DEFINITION + "\"}"))
          .sign(SIGNED)
          .check(status().is(200), jmesPath("jobId").saveAs("jobId")))
      .exitHereIfFailed()
      .repeat(2).on(
          pause(Duration.ofSeconds(1)),
          exec(http("DescribeJobs").post("/v1/describejobs")
              .body(StringBody("{\"jobs\":[\"#{jobId}\"]}"))
              .sign(SIGNED)
              .check(status().is(200), jmesPath("jobs[0].jobId").isEL("#{jobId}"))));

  private static final ScenarioBuilder LIST_JOBS = scenario("ListJobs every " + LIST_RATE + "/s")
      .exec(http("ListJobs").post("/v1/listjobs")
          .body(StringBody("{\"jobQueue\":\"" + QUEUE + "\",\"jobStatus\":\"RUNNABLE\",\"maxResults\":100}"))
          .sign(SIGNED)
          .check(status().is(200), jmesPath("jobSummaryList").exists()));

  {
    PopulationBuilder submitters = switch (PROFILE) {
      case "rate" -> scenario("SubmitJob at " + RATE + "/s for " + DURATION.toSeconds() + " s")
          .exec(SUBMIT_AND_DESCRIBE)
          .injectOpen(constantUsersPerSec(RATE).during(DURATION));
      case "burst" -> scenario("SubmitJob burst of " + BURST)
          .exec(SUBMIT_AND_DESCRIBE)
          .injectOpen(atOnceUsers(BURST));
      default -> throw new IllegalArgumentException("load.profile must be rate or burst, not " + PROFILE);
    };
    setUp(submitters, LIST_JOBS.injectOpen(constantUsersPerSec(LIST_RATE).during(DURATION)))
        .protocols(DROVER)
        .assertions(global().failedRequests().percent().lt(1.0));
  }
}
