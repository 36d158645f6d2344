package io.drover.core.iam;

import static io.drover.core.Fixtures.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyEvaluatorTest {

  private static final String ARN = "arn:aws:batch:us-east-1:123456789012:";
  private static final String PROD = ARN + "job-queue/prod";
  private static final String DEV = ARN + "job-queue/dev";
  private static final String SANDBOX = ARN + "job-queue/sandbox-1";
  private static final String ETL_3 = ARN + "job-definition/etl:3";
  private static final String ETL_12 = ARN + "job-definition/etl:12";

  /** A policy document from JSON, with single quotes for double quotes to keep the table readable. */
  static PolicyDocument policy(String json) {
    try {
      return PolicyDocument.parse(JSON.readValue(json.replace('\'', '"'), Object.class), "policyDocument");
    } catch (JsonProcessingException e) {
      throw new AssertionError(json, e);
    }
  }

  static String allow(String action, String resource) {
    return statement("Allow", "Action", action, "Resource", resource);
  }

  static String deny(String action, String resource) {
    return statement("Deny", "Action", action, "Resource", resource);
  }

  static String statement(String effect, String actionKey, String action, String resourceKey, String resource) {
    return "{'Version':'2012-10-17','Statement':{'Effect':'" + effect + "','" + actionKey + "':'" + action + "','"
        + resourceKey + "':'" + resource + "'}}";
  }

  private static Arguments decides(String description, List<String> policies, String action, String resource, Decision expected) {
    return Arguments.of(description, policies, action, resource, expected);
  }

  static Stream<Arguments> table() {
    List<String> allowAllDenyTerminate = List.of(allow("*", "*"), deny("batch:TerminateJob", "*"));
    List<String> describeOnly = List.of(allow("batch:Describe*", "*"));
    List<String> anyQueue = List.of(allow("batch:SubmitJob", "arn:aws:batch:*:*:job-queue/*"));
    List<String> notDelete = List.of(statement("Allow", "NotAction", "batch:Delete*", "Resource", "*"));
    List<String> onlyDescribeAllowed = List.of(allow("*", "*"), statement("Deny", "NotAction", "batch:Describe*", "Resource", "*"));
    List<String> notProd = List.of(statement("Allow", "Action", "batch:SubmitJob", "NotResource", PROD));
    List<String> sandboxOnly = List.of(allow("*", "*"), statement("Deny", "Action", "*", "NotResource", ARN + "job-queue/sandbox*"));
    return Stream.of(
        decides("no policy at all", List.of(), "batch:DescribeJobs", "*", Decision.IMPLICIT_DENY),
        decides("an exact allow", List.of(allow("batch:SubmitJob", PROD)), "batch:SubmitJob", PROD, Decision.ALLOW),
        decides("an exact allow, another resource", List.of(allow("batch:SubmitJob", PROD)), "batch:SubmitJob", DEV, Decision.IMPLICIT_DENY),
        decides("an exact allow, another action", List.of(allow("batch:SubmitJob", PROD)), "batch:CancelJob", PROD, Decision.IMPLICIT_DENY),
        decides("deny beats allow in one document", List.of(
            "{'Statement':[{'Effect':'Allow','Action':'*','Resource':'*'},{'Effect':'Deny','Action':'batch:TerminateJob','Resource':'*'}]}"),
            "batch:TerminateJob", PROD, Decision.EXPLICIT_DENY),
        decides("deny beats allow across documents", allowAllDenyTerminate, "batch:TerminateJob", PROD, Decision.EXPLICIT_DENY),
        decides("deny first beats allow later", List.of(deny("batch:TerminateJob", "*"), allow("*", "*")),
            "batch:TerminateJob", PROD, Decision.EXPLICIT_DENY),
        decides("the deny leaves other actions allowed", allowAllDenyTerminate, "batch:SubmitJob", PROD, Decision.ALLOW),
        decides("a deny alone is explicit", List.of(deny("batch:*", "*")), "batch:ListJobs", "*", Decision.EXPLICIT_DENY),
        decides("trailing wildcard", describeOnly, "batch:DescribeJobs", "*", Decision.ALLOW),
        decides("trailing wildcard, other action", describeOnly, "batch:ListJobs", "*", Decision.IMPLICIT_DENY),
        decides("trailing wildcard matches nothing more", describeOnly, "batch:Describe", "*", Decision.ALLOW),
        decides("leading wildcard", List.of(allow("batch:*Job", "*")), "batch:CancelJob", "*", Decision.ALLOW),
        decides("leading wildcard, other ending", List.of(allow("batch:*Job", "*")), "batch:ListJobs", "*", Decision.IMPLICIT_DENY),
        decides("middle wildcard", List.of(allow("batch:*Job*", "*")), "batch:ListJobs", "*", Decision.ALLOW),
        decides("middle wildcard in a resource", List.of(allow("*", "arn:aws:batch:*:123456789012:job-queue/*")), "batch:SubmitJob",
            "arn:aws:batch:eu-west-3:123456789012:job-queue/prod", Decision.ALLOW),
        decides("wildcard spans ':' and '/'", List.of(allow("*", "arn:aws:batch:*")), "batch:SubmitJob", PROD, Decision.ALLOW),
        decides("resource wildcard, other type", anyQueue, "batch:SubmitJob", ETL_3, Decision.IMPLICIT_DENY),
        decides("resource wildcard, any region and account", anyQueue, "batch:SubmitJob",
            "arn:aws:batch:ap-south-1:999999999999:job-queue/x", Decision.ALLOW),
        decides("'?' is one character", List.of(allow("*", ARN + "job-definition/etl:?")), "batch:SubmitJob", ETL_3, Decision.ALLOW),
        decides("'?' is not two", List.of(allow("*", ARN + "job-definition/etl:?")), "batch:SubmitJob", ETL_12, Decision.IMPLICIT_DENY),
        decides("'?' is not none", List.of(allow("batch:Submit?Job", "*")), "batch:SubmitJob", "*", Decision.IMPLICIT_DENY),
        decides("'?' in an action", List.of(allow("batch:?ubmitJob", "*")), "batch:SubmitJob", "*", Decision.ALLOW),
        decides("actions ignore case", List.of(allow("BATCH:submitjob", "*")), "batch:SubmitJob", "*", Decision.ALLOW),
        decides("resources heed case", List.of(allow("*", ARN + "job-queue/Prod")), "batch:SubmitJob", PROD, Decision.IMPLICIT_DENY),
        decides("the service prefix counts", List.of(allow("batch:*", "*")), "iam:CreateUser", "*", Decision.IMPLICIT_DENY),
        decides("'*' is every action of every service", List.of(allow("*", "*")), "iam:CreateUser", "*", Decision.ALLOW),
        decides("NotAction allows the rest", notDelete, "batch:CreateJobQueue", PROD, Decision.ALLOW),
        decides("NotAction leaves out what it lists", notDelete, "batch:DeleteJobQueue", PROD, Decision.IMPLICIT_DENY),
        decides("Deny with NotAction denies the rest", onlyDescribeAllowed, "batch:SubmitJob", PROD, Decision.EXPLICIT_DENY),
        decides("Deny with NotAction spares what it lists", onlyDescribeAllowed, "batch:DescribeJobQueues", "*", Decision.ALLOW),
        decides("NotResource allows the rest", notProd, "batch:SubmitJob", DEV, Decision.ALLOW),
        decides("NotResource leaves out what it lists", notProd, "batch:SubmitJob", PROD, Decision.IMPLICIT_DENY),
        decides("Deny with NotResource denies the rest", sandboxOnly, "batch:SubmitJob", PROD, Decision.EXPLICIT_DENY),
        decides("Deny with NotResource spares what it lists", sandboxOnly, "batch:SubmitJob", SANDBOX, Decision.ALLOW),
        decides("a resource-less action needs Resource *", List.of(allow("batch:ListJobs", PROD)), "batch:ListJobs", "*",
            Decision.IMPLICIT_DENY),
        decides("a resource-less action under Resource *", List.of(allow("batch:ListJobs", "*")), "batch:ListJobs", "*", Decision.ALLOW),
        decides("one of several actions", List.of("{'Statement':{'Effect':'Allow','Action':['batch:SubmitJob','batch:CancelJob'],"
            + "'Resource':['" + PROD + "','" + DEV + "']}}"), "batch:CancelJob", DEV, Decision.ALLOW),
        decides("a Sid changes nothing", List.of("{'Statement':{'Sid':'S1','Effect':'Deny','Action':'*','Resource':'*'}}", allow("*", "*")),
            "batch:ListJobs", "*", Decision.EXPLICIT_DENY));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void evaluatesAsIamDoes(String description, List<String> policies, String action, String resource, Decision expected) {
    List<PolicyDocument> documents = new ArrayList<>();
    policies.forEach(json -> documents.add(policy(json)));

    assertEquals(expected, PolicyEvaluator.evaluate(documents, action, resource));
    assertEquals(expected, new Principal("alice", "arn:aws:iam::123456789012:user/alice", "AKIAEXAMPLE", documents)
        .decide(action, resource));
  }

  @Test
  void theAdminPolicyAllowsEverything() {
    List<PolicyDocument> admin = List.of(PolicyDocument.adminPolicy());

    assertEquals(Decision.ALLOW, PolicyEvaluator.evaluate(admin, "batch:DeleteComputeEnvironment", ARN + "compute-environment/ce"));
    assertEquals(Decision.ALLOW, PolicyEvaluator.evaluate(admin, "drover:CreateAccessKey", "*"));
  }

  @Test
  void anAllowOnSomeResourceMayBeAllowedSomewhere() {
    assertTrue(PolicyEvaluator.mayBeAllowedSomewhere(List.of(policy(allow("batch:DescribeJobs", PROD))), "batch:DescribeJobs"));
    assertTrue(PolicyEvaluator.mayBeAllowedSomewhere(List.of(policy(allow("batch:Describe*", "*"))), "batch:describejobqueues"));
    assertTrue(PolicyEvaluator.mayBeAllowedSomewhere(List.of(policy(allow("*", "*")), policy(deny("batch:DescribeJobs", PROD))),
        "batch:DescribeJobs"), "a deny on one resource leaves others");
    assertTrue(PolicyEvaluator.mayBeAllowedSomewhere(List.of(policy(allow("*", "*")),
        policy(statement("Deny", "Action", "*", "NotResource", PROD))), "batch:DescribeJobs"), "NotResource spares a resource");
  }

  @Test
  void noAllowOrADenyOnEveryResourceIsAllowedNowhere() {
    assertFalse(PolicyEvaluator.mayBeAllowedSomewhere(List.of(), "batch:ListJobs"));
    assertFalse(PolicyEvaluator.mayBeAllowedSomewhere(List.of(policy(allow("batch:SubmitJob", "*"))), "batch:ListJobs"));
    assertFalse(PolicyEvaluator.mayBeAllowedSomewhere(List.of(policy(statement("Allow", "NotAction", "batch:List*", "Resource", "*"))),
        "batch:ListJobs"));
    assertFalse(PolicyEvaluator.mayBeAllowedSomewhere(List.of(policy(allow("*", "*")), policy(deny("batch:List*", "*"))),
        "batch:ListJobs"));
  }
}
