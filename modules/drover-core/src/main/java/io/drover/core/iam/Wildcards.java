package io.drover.core.iam;

/**
 * IAM's wildcard matching: {@code *} matches any run of characters (none included, {@code :} and
 * {@code /} included) and {@code ?} exactly one; every other character matches itself.
 */
final class Wildcards {

  private Wildcards() {}

  /** Whether {@code text} matches {@code pattern}, ignoring case when {@code ignoreCase}. Linear in practice, O(n·m) at worst. */
  static boolean matches(String pattern, String text, boolean ignoreCase) {
    int p = 0;
    int t = 0;
    int star = -1;
    int resumeAt = 0;
    while (t < text.length()) {
      if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        resumeAt = t;
      } else if (p < pattern.length() && (pattern.charAt(p) == '?' || same(pattern.charAt(p), text.charAt(t), ignoreCase))) {
        p++;
        t++;
      } else if (star >= 0) {
        p = star + 1;
        t = ++resumeAt;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }

  private static boolean same(char a, char b, boolean ignoreCase) {
    return a == b || ignoreCase && (Character.toLowerCase(a) == Character.toLowerCase(b)
        || Character.toUpperCase(a) == Character.toUpperCase(b));
  }
}
