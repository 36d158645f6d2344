package io.drover.core.iam;

import static io.drover.core.Fixtures.JSON;
import static io.drover.core.Fixtures.assertRejected;
import static io.drover.core.iam.PolicyEvaluatorTest.policy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyDocumentTest {

  private static final String QUEUE = "arn:aws:batch:us-east-1:123456789012:job-queue/prod";

  @Test
  void aFullDocumentReadsIntoItsStatements() {
    PolicyDocument document = policy("{'Version':'2012-10-17','Statement':["
        + "{'Sid':'Submit','Effect':'Allow','Action':['batch:SubmitJob','batch:Describe*'],'Resource':['" + QUEUE + "','*']},"
        + "{'Effect':'Deny','NotAction':'batch:Describe*','NotResource':'arn:aws:batch:*:*:job-queue/sandbox*'}]}");

    assertEquals(new PolicyDocument("2012-10-17", List.of(
        new Statement("Submit", Effect.ALLOW, List.of("batch:SubmitJob", "batch:Describe*"), false, List.of(QUEUE, "*"), false),
        new Statement(null, Effect.DENY, List.of("batch:Describe*"), true, List.of("arn:aws:batch:*:*:job-queue/sandbox*"), true))),
        document);
  }

  @Test
  void theVersionDefaultsTo2012AndMayBe2008() {
    assertEquals("2012-10-17", policy("{'Statement':{'Effect':'Allow','Action':'*','Resource':'*'}}").version());
    assertEquals("2008-10-17", policy("{'Version':'2008-10-17','Statement':{'Effect':'Allow','Action':'*','Resource':'*'}}").version());
  }

  @Test
  void nullMeansAbsent() {
    PolicyDocument document = policy("{'Version':null,'Statement':{'Sid':null,'Effect':'Allow','Action':'*','NotAction':null,"
        + "'Resource':'*'}}");

    assertEquals("2012-10-17", document.version());
    assertNull(document.statements().get(0).sid());
  }

  @Test
  void theAdminPolicyIsAllowStarOnStar() {
    assertEquals(new PolicyDocument("2012-10-17", List.of(new Statement(null, Effect.ALLOW, List.of("*"), false, List.of("*"), false))),
        PolicyDocument.adminPolicy());
  }

  @Test
  void aDocumentWritesBackToTheJsonItWasReadFrom() throws JsonProcessingException {
    PolicyDocument document = policy("{'Version':'2008-10-17','Statement':["
        + "{'Sid':'A','Effect':'Allow','Action':'batch:*','Resource':'*'},"
        + "{'Effect':'Deny','NotAction':['batch:Describe*','batch:List*'],'NotResource':'" + QUEUE + "'}]}");

    String json = JSON.writeValueAsString(document.toTree());

    assertEquals("{\"Version\":\"2008-10-17\",\"Statement\":[{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":[\"batch:*\"],"
        + "\"Resource\":[\"*\"]},{\"Effect\":\"Deny\",\"NotAction\":[\"batch:Describe*\",\"batch:List*\"],"
        + "\"NotResource\":[\"" + QUEUE + "\"]}]}", json);
    assertEquals(document, PolicyDocument.parse(JSON.readValue(json, Object.class), "policyDocument"));
  }

  static Stream<Arguments> malformedDocuments() {
    return Stream.of(
        // the document
        rejected("[]",
            "policyDocument must be a JSON object with Version and Statement"),
        rejected("\"text\"",
            "policyDocument must be a JSON object"),
        rejected("{'Id':'x','Statement':{'Effect':'Allow','Action':'*','Resource':'*'}}",
            "policyDocument.Id is not supported by Drover: a policy document takes only Version and Statement."),
        rejected("{'Version':'2012-10-18','Statement':{'Effect':'Allow','Action':'*','Resource':'*'}}",
            "policyDocument.Version must be 2012-10-17 or 2008-10-17."),
        rejected("{'Version':20121017,'Statement':{'Effect':'Allow','Action':'*','Resource':'*'}}",
            "policyDocument.Version must be 2012-10-17 or 2008-10-17."),
        rejected("{'Version':'2012-10-17'}",
            "policyDocument.Statement is required: a statement object or a non-empty array of them."),
        rejected("{'Statement':[]}",
            "policyDocument.Statement must not be empty."),
        rejected("{'Statement':'Allow'}",
            "policyDocument.Statement must be a JSON object with Effect, Action and Resource."),
        rejected("{'Statement':[{'Effect':'Allow','Action':'*','Resource':'*'},7]}",
            "policyDocument.Statement[1] must be a JSON object"),
        // keys a statement does not take
        rejected("{'Statement':{'Effect':'Allow','Action':'*','Resource':'*','Condition':{}}}",
            "policyDocument.Statement.Condition is not supported by Drover (it evaluates no conditions):"
                + " a statement takes only Sid, Effect, Action or NotAction, and Resource or NotResource."),
        rejected("{'Statement':[{'Effect':'Allow','Principal':'*','Action':'*','Resource':'*'}]}",
            "policyDocument.Statement[0].Principal is not supported by Drover"
                + " (its policies are attached to users, so they name no principal)"),
        rejected("{'Statement':[{'Effect':'Allow','NotPrincipal':'*','Action':'*','Resource':'*'}]}",
            "policyDocument.Statement[0].NotPrincipal is not supported by Drover"),
        rejected("{'Statement':[{'effect':'Allow','Action':'*','Resource':'*'}]}",
            "policyDocument.Statement[0].effect is not supported by Drover"),
        // Sid and Effect
        rejected("{'Statement':[{'Sid':1,'Effect':'Allow','Action':'*','Resource':'*'}]}",
            "policyDocument.Statement[0].Sid must be a string."),
        rejected("{'Statement':[{'Action':'*','Resource':'*'}]}",
            "policyDocument.Statement[0].Effect is required: Allow or Deny."),
        rejected("{'Statement':[{'Effect':'Allow','Action':'*','Resource':'*'},{'Effect':'allow','Action':'*','Resource':'*'}]}",
            "policyDocument.Statement[1].Effect must be Allow or Deny."),
        rejected("{'Statement':{'Effect':true,'Action':'*','Resource':'*'}}",
            "policyDocument.Statement.Effect must be Allow or Deny."),
        // Action and NotAction
        rejected("{'Statement':{'Effect':'Allow','Resource':'*'}}",
            "policyDocument.Statement.Action is required (or NotAction)."),
        rejected("{'Statement':{'Effect':'Allow','Action':'*','NotAction':'batch:*','Resource':'*'}}",
            "policyDocument.Statement has both Action and NotAction; give exactly one of them."),
        rejected("{'Statement':{'Effect':'Allow','Action':[],'Resource':'*'}}",
            "policyDocument.Statement.Action must be a string or a non-empty array of strings."),
        rejected("{'Statement':{'Effect':'Allow','Action':{'a':1},'Resource':'*'}}",
            "policyDocument.Statement.Action must be a string or a non-empty array of strings."),
        rejected("{'Statement':{'Effect':'Allow','Action':['batch:SubmitJob',3],'Resource':'*'}}",
            "policyDocument.Statement.Action[1] must be a string."),
        rejected("{'Statement':{'Effect':'Allow','Action':'SubmitJob','Resource':'*'}}",
            "policyDocument.Statement.Action must look like service:Name, e.g. batch:SubmitJob, batch:Describe* or *;"
                + " got 'SubmitJob'."),
        rejected("{'Statement':[{'Effect':'Allow','Action':'*','Resource':'*'},{'Effect':'Allow','Action':'*','Resource':'*'},"
                + "{'Effect':'Deny','Action':['batch:','*'],'Resource':'*'}]}",
            "policyDocument.Statement[2].Action[0] must look like service:Name"),
        rejected("{'Statement':{'Effect':'Allow','Action':'batch:Submit Job','Resource':'*'}}",
            "policyDocument.Statement.Action must look like service:Name"),
        rejected("{'Statement':{'Effect':'Allow','Action':'bat*:SubmitJob','Resource':'*'}}",
            "policyDocument.Statement.Action must look like service:Name"),
        rejected("{'Statement':{'Effect':'Allow','Action':'','Resource':'*'}}",
            "policyDocument.Statement.Action must look like service:Name"),
        rejected("{'Statement':{'Effect':'Allow','NotAction':['*','x'],'Resource':'*'}}",
            "policyDocument.Statement.NotAction[1] must look like service:Name"),
        rejected("{'Statement':{'Effect':'Allow','NotAction':[],'Resource':'*'}}",
            "policyDocument.Statement.NotAction must be a string or a non-empty array of strings."),
        // Resource and NotResource
        rejected("{'Statement':{'Effect':'Allow','Action':'*'}}",
            "policyDocument.Statement.Resource is required (or NotResource)."),
        rejected("{'Statement':{'Effect':'Allow','Action':'*','Resource':'*','NotResource':'*'}}",
            "policyDocument.Statement has both Resource and NotResource; give exactly one of them."),
        rejected("{'Statement':{'Effect':'Allow','Action':'*','Resource':[]}}",
            "policyDocument.Statement.Resource must be a string or a non-empty array of strings."),
        rejected("{'Statement':{'Effect':'Allow','Action':'*','Resource':['*',null]}}",
            "policyDocument.Statement.Resource[1] must be a string."),
        rejected("{'Statement':{'Effect':'Allow','Action':'*','Resource':'job-queue/prod'}}",
            "policyDocument.Statement.Resource must be * or an ARN such as"
                + " arn:aws:batch:us-east-1:123456789012:job-queue/nightly (* and ? are wildcards); got 'job-queue/prod'."),
        rejected("{'Statement':{'Effect':'Allow','Action':'*','Resource':'arn:'}}",
            "policyDocument.Statement.Resource must be * or an ARN"),
        rejected("{'Statement':{'Effect':'Allow','Action':'*','Resource':'arn:aws:batch:*:*:job-queue/a b'}}",
            "policyDocument.Statement.Resource must be * or an ARN"),
        rejected("{'Statement':{'Effect':'Allow','Action':'*','Resource':'**'}}",
            "policyDocument.Statement.Resource must be * or an ARN"),
        rejected("{'Statement':{'Effect':'Allow','Action':'*','NotResource':['*','arn']}}",
            "policyDocument.Statement.NotResource[1] must be * or an ARN"),
        rejected("{'Statement':{'Effect':'Allow','Action':'*','NotResource':7}}",
            "policyDocument.Statement.NotResource must be a string or a non-empty array of strings."));
  }

  private static Arguments rejected(String json, String message) {
    return Arguments.of(json, message);
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("malformedDocuments")
  void aMalformedDocumentIsRefusedNamingTheField(String json, String message) {
    assertRejected(() -> policy(json), message);
  }

  @Test
  void aLongPatternIsCutShortInTheMessage() {
    String message = assertRejected(() -> policy("{'Statement':{'Effect':'Allow','Action':'" + "x".repeat(5000) + "','Resource':'*'}}"),
        "policyDocument.Statement.Action must look like service:Name");

    assertEquals(true, message.length() < 300, message);
  }

  @Test
  void theFieldPrefixIsTheCallers() {
    assertRejected(() -> PolicyDocument.parse(List.of(), "policies[3].document"), "policies[3].document must be a JSON object");
  }

  @Test
  void aStatementBuiltInCodeNeedsActionsAndResources() {
    assertThrows(IllegalArgumentException.class, () -> new Statement(null, Effect.ALLOW, List.of(), false, List.of("*"), false));
    assertThrows(IllegalArgumentException.class, () -> new Statement(null, Effect.ALLOW, List.of("*"), true, List.of(), true));
    assertThrows(IllegalArgumentException.class, () -> new PolicyDocument("2012-10-17", List.of()));
  }
}
