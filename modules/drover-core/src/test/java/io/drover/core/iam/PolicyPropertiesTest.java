package io.drover.core.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of policy evaluation over random policies, actions and resources. */
class PolicyPropertiesTest {

  private static final String ARN = "arn:aws:batch:us-east-1:123456789012:";
  private static final List<String> ACTIONS = List.of("batch:SubmitJob", "batch:CancelJob", "batch:DescribeJobs",
      "batch:ListJobs", "batch:CreateJobQueue", "batch:DeleteJobQueue", "iam:CreateUser", "drover:CreateAccessKey");
  private static final List<String> RESOURCES = List.of("*", ARN + "job-queue/prod", ARN + "job-queue/dev",
      ARN + "job-queue/sandbox-1", ARN + "job-definition/etl:3", ARN + "job-definition/etl:12", ARN + "job/5f1d",
      "arn:aws:batch:eu-west-3:999999999999:job-queue/prod");

  @Provide
  Arbitrary<String> actions() {
    return Arbitraries.oneOf(Arbitraries.of(ACTIONS), Arbitraries.of("BATCH:submitjob", "batch:describejobqueues"));
  }

  @Provide
  Arbitrary<String> resources() {
    return Arbitraries.of(RESOURCES);
  }

  @Provide
  Arbitrary<Statement> statements() {
    Arbitrary<String> actionPattern = Arbitraries.oneOf(Arbitraries.of(ACTIONS), Arbitraries.of("*", "batch:*",
        "batch:Describe*", "batch:*Job", "batch:*Job*", "batch:?ubmitJob", "BATCH:submitjob", "iam:*", "batch:List*", "batch:*Queue"));
    Arbitrary<String> resourcePattern = Arbitraries.oneOf(Arbitraries.of(RESOURCES), Arbitraries.of("arn:aws:batch:*:*:job-queue/*",
        "arn:aws:batch:*:*:job-queue/sand*", ARN + "job-definition/etl:?", "arn:*", ARN + "job-queue/Prod", ARN + "*/prod"));
    return Combinators.combine(Arbitraries.of(Effect.class), actionPattern.list().ofMinSize(1).ofMaxSize(3),
            Arbitraries.of(false, false, true), resourcePattern.list().ofMinSize(1).ofMaxSize(3), Arbitraries.of(false, false, true))
        .as((effect, actions, notAction, resources, notResource) -> new Statement(null, effect, actions, notAction, resources, notResource));
  }

  @Provide
  Arbitrary<List<PolicyDocument>> policies() {
    return statements().list().ofMinSize(1).ofMaxSize(4)
        .map(statements -> new PolicyDocument("2012-10-17", statements))
        .list().ofMaxSize(3);
  }

  @Property
  void addingADenyNeverAllowsMore(@ForAll("policies") List<PolicyDocument> policies, @ForAll("statements") Statement statement,
                                  @ForAll("actions") String action, @ForAll("resources") String resource) {
    Decision before = PolicyEvaluator.evaluate(policies, action, resource);
    Decision after = PolicyEvaluator.evaluate(with(policies, deny(statement)), action, resource);

    assertTrue(after == before || after == Decision.EXPLICIT_DENY, before + " became " + after);
  }

  @Property
  void addingAnAllowNeverOverridesADeny(@ForAll("policies") List<PolicyDocument> policies, @ForAll("statements") Statement statement,
                                        @ForAll("actions") String action, @ForAll("resources") String resource) {
    Decision before = PolicyEvaluator.evaluate(policies, action, resource);
    Decision after = PolicyEvaluator.evaluate(with(policies, allow(statement)), action, resource);

    assertTrue(after == before || before == Decision.IMPLICIT_DENY && after == Decision.ALLOW, before + " became " + after);
  }

  @Property
  void allowStarOnStarWithoutDenyAllowsEverything(@ForAll("policies") List<PolicyDocument> policies, @ForAll String action,
                                                  @ForAll String resource) {
    List<PolicyDocument> allowsOnly = new ArrayList<>();
    for (PolicyDocument policy : policies) {
      allowsOnly.add(new PolicyDocument(policy.version(), policy.statements().stream().map(PolicyPropertiesTest::allow).toList()));
    }
    allowsOnly.add(PolicyDocument.adminPolicy());

    assertEquals(Decision.ALLOW, PolicyEvaluator.evaluate(allowsOnly, action, resource));
  }

  @Property
  void theOrderOfPoliciesAndStatementsDoesNotMatter(@ForAll("policies") List<PolicyDocument> policies, @ForAll("actions") String action,
                                                    @ForAll("resources") String resource, @ForAll long seed) {
    Random random = new Random(seed);
    List<PolicyDocument> shuffled = new ArrayList<>();
    for (PolicyDocument policy : policies) {
      List<Statement> statements = new ArrayList<>(policy.statements());
      Collections.shuffle(statements, random);
      shuffled.add(new PolicyDocument(policy.version(), statements));
    }
    Collections.shuffle(shuffled, random);

    assertEquals(PolicyEvaluator.evaluate(policies, action, resource), PolicyEvaluator.evaluate(shuffled, action, resource));
  }

  @Property
  void theDecisionIsIamsRuleOverRegexMatching(@ForAll("policies") List<PolicyDocument> policies, @ForAll("actions") String action,
                                              @ForAll("resources") String resource) {
    boolean denied = false;
    boolean allowed = false;
    for (PolicyDocument policy : policies) {
      for (Statement s : policy.statements()) {
        boolean actionMatches = s.actions().stream().anyMatch(p -> regex(p, true).matcher(action).matches()) != s.notAction();
        boolean resourceMatches = s.resources().stream().anyMatch(p -> regex(p, false).matcher(resource).matches()) != s.notResource();
        if (actionMatches && resourceMatches) {
          denied |= s.effect() == Effect.DENY;
          allowed |= s.effect() == Effect.ALLOW;
        }
      }
    }
    Decision expected = denied ? Decision.EXPLICIT_DENY : allowed ? Decision.ALLOW : Decision.IMPLICIT_DENY;

    assertEquals(expected, PolicyEvaluator.evaluate(policies, action, resource));
  }

  @Property(tries = 2000)
  void wildcardsMatchAsTheEquivalentRegex(@ForAll("patterns") String pattern, @ForAll("texts") String text, @ForAll boolean ignoreCase) {
    assertEquals(regex(pattern, ignoreCase).matcher(text).matches(), Wildcards.matches(pattern, text, ignoreCase),
        () -> "'" + pattern + "' against '" + text + "'");
  }

  @Provide
  Arbitrary<String> patterns() {
    return Arbitraries.strings().withChars("aAb:/*?").ofMaxLength(8);
  }

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.strings().withChars("aAbB:/*?").ofMaxLength(10);
  }

  @Property
  void whatIsAllowedOnSomeResourceMayBeAllowedSomewhere(@ForAll("policies") List<PolicyDocument> policies,
                                                        @ForAll("actions") String action) {
    boolean allowedOnSome = RESOURCES.stream()
        .anyMatch(resource -> PolicyEvaluator.evaluate(policies, action, resource) == Decision.ALLOW);

    if (allowedOnSome) {
      assertTrue(PolicyEvaluator.mayBeAllowedSomewhere(policies, action));
    }
  }

  @Property
  void aDocumentReadsBackFromTheTreeItWrites(@ForAll("policies") List<PolicyDocument> policies) {
    for (PolicyDocument policy : policies) {
      assertEquals(policy, PolicyDocument.parse(policy.toTree(), "policyDocument"));
    }
  }

  @Property
  void anExplicitDenyIsNeverAllowedByMorePolicies(@ForAll("policies") List<PolicyDocument> policies,
                                                  @ForAll("policies") List<PolicyDocument> more,
                                                  @ForAll("actions") String action, @ForAll("resources") String resource) {
    List<PolicyDocument> all = new ArrayList<>(policies);
    all.addAll(more);

    if (PolicyEvaluator.evaluate(policies, action, resource) == Decision.EXPLICIT_DENY) {
      assertEquals(Decision.EXPLICIT_DENY, PolicyEvaluator.evaluate(all, action, resource));
    } else if (PolicyEvaluator.evaluate(all, action, resource) == Decision.IMPLICIT_DENY) {
      assertNotEquals(Decision.ALLOW, PolicyEvaluator.evaluate(policies, action, resource));
    }
  }

  private static Pattern regex(String wildcard, boolean ignoreCase) {
    StringBuilder regex = new StringBuilder();
    for (char c : wildcard.toCharArray()) {
      regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL | (ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0));
  }

  private static List<PolicyDocument> with(List<PolicyDocument> policies, Statement statement) {
    List<PolicyDocument> out = new ArrayList<>(policies);
    out.add(new PolicyDocument("2012-10-17", List.of(statement)));
    return out;
  }

  private static Statement deny(Statement s) {
    return new Statement(s.sid(), Effect.DENY, s.actions(), s.notAction(), s.resources(), s.notResource());
  }

  private static Statement allow(Statement s) {
    return new Statement(s.sid(), Effect.ALLOW, s.actions(), s.notAction(), s.resources(), s.notResource());
  }
}
