/*
 * drover-spawn: how the process executor starts a job command. In one exec it does what
 * util-linux's setsid and setpriv did in two: the command gets a session and process group of its
 * own (so a stop signals all of it) and, given --user, runs as that user with exactly the groups
 * given, unable to gain privileges again (no_new_privs).
 *
 *   drover-spawn [--user UID:GID:[GROUP[,GROUP...]]] -- COMMAND [ARGUMENT...]
 *   drover-spawn --version
 *
 * COMMAND is looked up on PATH as execvp does. Exit codes: the command's own once it runs; 126
 * when a step before it fails or the arguments are wrong; 127 when COMMAND cannot be run. Each
 * failure is written to standard error. Ids are numbers only: no user database is read, so the
 * program is linked statically and runs on any Linux of its architecture.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <unistd.h>

#define VERSION "drover-spawn 1"
#define MAX_GROUPS 1024
#define FAILED 126
#define NOT_RUN 127

static int failed(const char *step) {
  fprintf(stderr, "drover-spawn: %s: %s\n", step, strerror(errno));
  return FAILED;
}

static int usage(const char *problem) {
  fprintf(stderr, "drover-spawn: %s\nusage: drover-spawn [--user UID:GID:[GROUP[,GROUP...]]] -- COMMAND "
      "[ARGUMENT...]\n", problem);
  return FAILED;
}

/* Reads one id ending at one of the characters in `ends`; -1 when it is not a number an id can be. */
static long long read_id(const char **text, const char *ends) {
  if (**text < '0' || **text > '9') {
    return -1;
  }
  char *end;
  errno = 0;
  unsigned long long id = strtoull(*text, &end, 10);
  /* (uid_t) -1 means "leave unchanged" to setresuid, so it is no id. */
  if (errno != 0 || id >= UINT_MAX || strchr(ends, *end) == NULL) {
    return -1;
  }
  *text = end;
  return (long long) id;
}

/* Drops to uid and gid with exactly `groups`, for good: neither root nor new privileges come back. */
static int become(const char *spec) {
  const char *next = spec;
  long long uid = read_id(&next, ":");
  if (uid < 0) {
    return usage("--user: the user id is not a number");
  }
  next++;
  long long gid = read_id(&next, ":");
  if (gid < 0) {
    return usage("--user: the group id is not a number");
  }
  next++;
  if (uid == 0) {
    return usage("--user: refusing to run a job command as root (uid 0)");
  }
  gid_t groups[MAX_GROUPS];
  size_t count = 0;
  while (*next != '\0') {
    long long group = read_id(&next, ",");
    if (group < 0 || count == MAX_GROUPS) {
      return usage("--user: the groups are not a list of at most 1024 numbers");
    }
    groups[count++] = (gid_t) group;
    if (*next == ',' && *++next == '\0') {
      return usage("--user: the groups end with a comma");
    }
  }
  if (setgroups(count, groups) != 0) {
    return failed("setgroups");
  }
  if (setresgid((gid_t) gid, (gid_t) gid, (gid_t) gid) != 0) {
    return failed("setresgid");
  }
  if (setresuid((uid_t) uid, (uid_t) uid, (uid_t) uid) != 0) {
    return failed("setresuid");
  }
  uid_t real, effective, saved;
  if (getresuid(&real, &effective, &saved) != 0 || real != uid || effective != uid || saved != uid
      || setuid(0) == 0) {
    errno = EPERM;
    return failed("dropping root for good");
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return failed("no_new_privs");
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--version") == 0) {
    puts(VERSION);
    return 0;
  }
  int at = 1;
  const char *user = NULL;
  if (at + 1 < argc && strcmp(argv[at], "--user") == 0) {
    user = argv[at + 1];
    at += 2;
  }
  if (at >= argc || strcmp(argv[at], "--") != 0 || at + 1 >= argc) {
    return usage("expected -- and a command");
  }
  at++;
  if (setsid() < 0) {
    return failed("setsid");
  }
  if (user != NULL) {
    int status = become(user);
    if (status != 0) {
      return status;
    }
  }
  execvp(argv[at], argv + at);
  int error = errno;
  fprintf(stderr, "drover-spawn: cannot run %s: %s\n", argv[at], strerror(error));
  return error == ENOENT ? NOT_RUN : FAILED;
}
