/*
 * drover-spawn: the process that starts, watches and reaps the process executor's job commands.
 * The agent starts it once and keeps it; it forks every attempt itself, so an attempt costs one
 * exec (the command's) instead of the agent's fork, a launcher's exec, and a JVM thread waiting on
 * each process. Each command gets a session and process group of its own (so a stop signals all
 * of it) and, when a user is given, runs as that user with exactly the groups given, unable to gain
 * privileges again (no_new_privs).
 *
 *   drover-spawn --serve      speak the protocol below on standard input and output
 *   drover-spawn --version    print the protocol version
 *
 * Frames in both directions are a 4-byte length and that many bytes; numbers are big-endian and a
 * string is a 4-byte length and its bytes. Requests:
 *   'L' id:8 switch:1 uid:4 gid:4 count:4 group:4... workdir:str argc:4 arg:str... envc:4 env:str...
 *       start a command in workdir, which becomes the user's alone (mode 0700, no ACL): argv[0] is
 *       looked up on the PATH of env ("NAME=VALUE" strings) as execvp does
 *   'K' id:8 signal:4        signal the process group of command id (nothing once it has finished)
 * Answers:
 *   'H' version:str                          once, first
 *   'S' id:8 pid:4                           command id runs
 *   'F' id:8 errno:4 message:str             command id did not start; message names the failed step
 *   'O' id:8 stream:1 bytes...               output of command id (1 standard output, 2 standard error)
 *   'X' id:8 code:4                          command id exited with code (128 + N when killed by signal
 *                                            N) and both of its output streams have closed
 *   'E' message:str                          a request it cannot read; it exits after this
 * When standard input ends (the agent stopped or died) it kills every command's process group,
 * answers their exits where it still can, and exits. Ids are numbers only: no user database is read,
 * so the program is linked statically and runs on any Linux of its architecture, and no dynamic
 * loader runs in it while it is root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#define VERSION "drover-spawn 2"
#define MAX_GROUPS 1024
#define MAX_FRAME (16 * 1024 * 1024)
#define CHUNK 8192
#define EXIT_WAIT_SECONDS 5

extern char **environ;

struct command {
  uint64_t id;
  pid_t pid;
  int out;
  int err;
  int exited;
  int32_t code;
};

static struct command *commands;
static size_t command_count;
static size_t command_capacity;
/* Once standard input has ended, writing answers may fail: the agent may be gone. */
static int closing;

/* ---- answers ---- */

static void put32(unsigned char *at, uint32_t value) {
  at[0] = value >> 24;
  at[1] = value >> 16;
  at[2] = value >> 8;
  at[3] = value;
}

static void put64(unsigned char *at, uint64_t value) {
  put32(at, value >> 32);
  put32(at + 4, (uint32_t) value);
}

static void kill_all(void);

static void write_all(const unsigned char *data, size_t length) {
  while (length > 0) {
    ssize_t written = write(STDOUT_FILENO, data, length);
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      if (closing) {
        return;
      }
      /* The agent no longer reads: nobody can watch the commands any more. */
      kill_all();
      _exit(1);
    }
    data += written;
    length -= (size_t) written;
  }
}

/* One answer: type, optional id, then `length` bytes of `body`. */
static void answer(char type, const uint64_t *id, const unsigned char *body, size_t length) {
  unsigned char header[13];
  size_t header_length = 5;
  header[4] = (unsigned char) type;
  if (id != NULL) {
    put64(header + 5, *id);
    header_length += 8;
  }
  put32(header, (uint32_t) (header_length - 4 + length));
  unsigned char frame[sizeof header + 4 + CHUNK + 256];
  if (header_length + length <= sizeof frame) {
    memcpy(frame, header, header_length);
    memcpy(frame + header_length, body, length);
    write_all(frame, header_length + length);
  } else {
    write_all(header, header_length);
    write_all(body, length);
  }
}

static void answer_string(char type, const uint64_t *id, const unsigned char *prefix, size_t prefix_length,
    const char *text) {
  size_t text_length = strlen(text);
  unsigned char *body = malloc(prefix_length + 4 + text_length);
  if (body == NULL) {
    kill_all();
    _exit(1);
  }
  if (prefix_length > 0) {
    memcpy(body, prefix, prefix_length);
  }
  put32(body + prefix_length, (uint32_t) text_length);
  memcpy(body + prefix_length + 4, text, text_length);
  answer(type, id, body, prefix_length + 4 + text_length);
  free(body);
}

static void protocol_error(const char *problem) {
  answer_string('E', NULL, NULL, 0, problem);
  kill_all();
  _exit(2);
}

/* ---- the commands ---- */

static struct command *find_id(uint64_t id) {
  for (size_t i = 0; i < command_count; i++) {
    if (commands[i].id == id) {
      return &commands[i];
    }
  }
  return NULL;
}

static void kill_all(void) {
  for (size_t i = 0; i < command_count; i++) {
    if (kill(-commands[i].pid, SIGKILL) != 0 && !commands[i].exited) {
      kill(commands[i].pid, SIGKILL);
    }
  }
}

/* Answers the exit of every command that has exited with both streams closed, and forgets it. */
static void answer_finished(void) {
  size_t kept = 0;
  for (size_t i = 0; i < command_count; i++) {
    struct command *command = &commands[i];
    if (command->exited && command->out < 0 && command->err < 0) {
      unsigned char code[4];
      put32(code, (uint32_t) command->code);
      answer('X', &command->id, code, sizeof code);
    } else {
      commands[kept++] = *command;
    }
  }
  command_count = kept;
}

/* Records that the command whose process was `pid` exited with wait status `status`. */
static void record_exit(pid_t pid, int status) {
  for (size_t i = 0; i < command_count; i++) {
    if (commands[i].pid == pid && !commands[i].exited) {
      commands[i].exited = 1;
      commands[i].code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
  }
}

static void reap(void) {
  int status;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    record_exit(pid, status);
  }
}

/* Reads what one output stream has; closes it at its end. */
static void drain(struct command *command, int stream) {
  int *fd = stream == 1 ? &command->out : &command->err;
  unsigned char body[1 + CHUNK];
  body[0] = (unsigned char) stream;
  ssize_t got = read(*fd, body + 1, CHUNK);
  if (got > 0) {
    answer('O', &command->id, body, 1 + (size_t) got);
  } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
    close(*fd);
    *fd = -1;
  }
}

/* ---- starting a command ---- */

struct reader {
  const unsigned char *at;
  const unsigned char *end;
};

static uint32_t get32(struct reader *in) {
  if (in->end - in->at < 4) {
    protocol_error("a launch request ends early");
  }
  uint32_t value = (uint32_t) in->at[0] << 24 | (uint32_t) in->at[1] << 16 | (uint32_t) in->at[2] << 8 | in->at[3];
  in->at += 4;
  return value;
}

static uint64_t get64(struct reader *in) {
  uint64_t high = get32(in);
  return high << 32 | get32(in);
}

/* A string as a fresh NUL-terminated copy; it may not hold NUL itself. */
static char *get_string(struct reader *in) {
  uint32_t length = get32(in);
  if ((size_t) (in->end - in->at) < length || memchr(in->at, '\0', length) != NULL) {
    protocol_error("a string in a launch request is cut short or holds NUL");
  }
  char *copy = malloc((size_t) length + 1);
  if (copy == NULL) {
    protocol_error("out of memory");
  }
  memcpy(copy, in->at, length);
  copy[length] = '\0';
  in->at += length;
  return copy;
}

static char **get_strings(struct reader *in, int at_least_one) {
  uint32_t count = get32(in);
  if ((size_t) (in->end - in->at) / 4 < count || (at_least_one && count == 0)) {
    protocol_error("a launch request has a wrong number of strings");
  }
  char **strings = calloc((size_t) count + 1, sizeof *strings);
  if (strings == NULL) {
    protocol_error("out of memory");
  }
  for (uint32_t i = 0; i < count; i++) {
    strings[i] = get_string(in);
  }
  return strings;
}

static void free_strings(char **strings) {
  for (char **string = strings; *string != NULL; string++) {
    free(*string);
  }
  free(strings);
}

/* In the child: tells the server which step failed, and how, then ends. */
static void fail_in_child(int status_pipe, const char *step) {
  unsigned char report[4 + 64];
  put32(report, (uint32_t) errno);
  size_t length = strnlen(step, sizeof report - 4);
  memcpy(report + 4, step, length);
  ssize_t ignored = write(status_pipe, report, 4 + length);
  (void) ignored;
  _exit(127);
}

/* In the child: drops to uid and gid with exactly `groups`, for good. */
static void become(int status_pipe, uid_t uid, gid_t gid, const gid_t *groups, size_t count) {
  if (setgroups(count, groups) != 0) {
    fail_in_child(status_pipe, "setgroups");
  }
  if (setresgid(gid, gid, gid) != 0) {
    fail_in_child(status_pipe, "setresgid");
  }
  if (setresuid(uid, uid, uid) != 0) {
    fail_in_child(status_pipe, "setresuid");
  }
  uid_t real, effective, saved;
  if (getresuid(&real, &effective, &saved) != 0 || real != uid || effective != uid || saved != uid
      || setuid(0) == 0) {
    errno = EPERM;
    fail_in_child(status_pipe, "dropping root for good");
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    fail_in_child(status_pipe, "no_new_privs");
  }
}

/*
 * In the child, in the working directory: makes it the user's alone (mode 0700, no ACL), however
 * the agent made it or whatever the command that had it before set on it (the agent reuses emptied
 * directories). Before the user is switched, so that root may give it away.
 */
static void prepare_directory(int status_pipe, int switch_user, uid_t uid, gid_t gid) {
  if (switch_user && chown(".", uid, gid) != 0) {
    fail_in_child(status_pipe, "giving the working directory to the user");
  }
  if (chmod(".", 0700) != 0) {
    fail_in_child(status_pipe, "making the working directory private");
  }
  static const char *const acls[] = {"system.posix_acl_access", "system.posix_acl_default"};
  for (size_t i = 0; i < sizeof acls / sizeof *acls; i++) {
    if (removexattr(".", acls[i]) != 0 && errno != ENODATA && errno != ENOTSUP) {
      fail_in_child(status_pipe, "removing the working directory's ACL");
    }
  }
}

static void answer_failed(uint64_t id, int error, const char *step) {
  char message[512];
  snprintf(message, sizeof message, "%s: %s", step, strerror(error));
  unsigned char code[4];
  put32(code, (uint32_t) error);
  answer_string('F', &id, code, sizeof code, message);
}

static void launch(struct reader *in) {
  uint64_t id = get64(in);
  if (in->at == in->end) {
    protocol_error("a launch request ends early");
  }
  int switch_user = *in->at++;
  uid_t uid = get32(in);
  gid_t gid = get32(in);
  uint32_t group_count = get32(in);
  if (group_count > MAX_GROUPS) {
    protocol_error("a launch request names more than 1024 groups");
  }
  gid_t groups[MAX_GROUPS];
  for (uint32_t i = 0; i < group_count; i++) {
    groups[i] = get32(in);
  }
  char *workdir = get_string(in);
  char **argv = get_strings(in, 1);
  char **envp = get_strings(in, 0);
  if (in->at != in->end) {
    protocol_error("a launch request has bytes after its environment");
  }
  if (find_id(id) != NULL) {
    protocol_error("a launch request reuses the id of a running command");
  }
  if (command_count == command_capacity) {
    command_capacity = command_capacity * 2 + 16;
    if ((commands = realloc(commands, command_capacity * sizeof *commands)) == NULL) {
      protocol_error("out of memory");
    }
  }
  if (switch_user && (uid == 0 || uid == (uid_t) -1 || gid == (gid_t) -1)) {
    answer_failed(id, EPERM, "refusing to run a job command as root or as user or group -1");
  } else {
    int out[2], err[2], status[2];
    if (pipe2(out, O_CLOEXEC) != 0) {
      answer_failed(id, errno, "pipe");
    } else if (pipe2(err, O_CLOEXEC) != 0) {
      answer_failed(id, errno, "pipe");
      close(out[0]);
      close(out[1]);
    } else if (pipe2(status, O_CLOEXEC) != 0) {
      answer_failed(id, errno, "pipe");
      close(out[0]);
      close(out[1]);
      close(err[0]);
      close(err[1]);
    } else {
      pid_t pid = fork();
      if (pid == 0) {
        /* The server's blocked SIGCHLD and ignored SIGPIPE would otherwise outlive the exec. */
        signal(SIGPIPE, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (setsid() < 0) {
          fail_in_child(status[1], "setsid");
        }
        int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(out[1], STDOUT_FILENO) < 0
            || dup2(err[1], STDERR_FILENO) < 0) {
          fail_in_child(status[1], "redirecting standard input and output");
        }
        if (chdir(workdir) != 0) {
          fail_in_child(status[1], "changing to the working directory");
        }
        prepare_directory(status[1], switch_user, uid, gid);
        if (switch_user) {
          become(status[1], uid, gid, groups, group_count);
        }
        environ = envp;
        execvp(argv[0], argv);
        fail_in_child(status[1], "exec");
      }
      close(out[1]);
      close(err[1]);
      close(status[1]);
      if (pid < 0) {
        answer_failed(id, errno, "fork");
        close(out[0]);
        close(err[0]);
      } else {
        unsigned char report[4 + 64 + 1];
        ssize_t got;
        do {
          got = read(status[0], report, sizeof report - 1);
        } while (got < 0 && errno == EINTR);
        if (got >= 4) {
          report[got] = '\0';
          int error = (int) ((uint32_t) report[0] << 24 | (uint32_t) report[1] << 16 | (uint32_t) report[2] << 8
              | report[3]);
          int ignored;
          waitpid(pid, &ignored, 0);
          answer_failed(id, error, (const char *) report + 4);
          close(out[0]);
          close(err[0]);
        } else {
          fcntl(out[0], F_SETFL, O_NONBLOCK);
          fcntl(err[0], F_SETFL, O_NONBLOCK);
          commands[command_count++] = (struct command) {id, pid, out[0], err[0], 0, 0};
          unsigned char started[4];
          put32(started, (uint32_t) pid);
          answer('S', &id, started, sizeof started);
        }
      }
      close(status[0]);
    }
  }
  free(workdir);
  free_strings(argv);
  free_strings(envp);
}

static void signal_command(struct reader *in) {
  uint64_t id = get64(in);
  int signal_number = (int) get32(in);
  if (in->at != in->end) {
    protocol_error("a signal request has bytes after its signal");
  }
  /* After the command itself has exited, what holds its output open is likely in its group still. */
  struct command *command = find_id(id);
  if (command != NULL && kill(-command->pid, signal_number) != 0 && !command->exited) {
    kill(command->pid, signal_number);
  }
}

/* ---- the loop ---- */

static unsigned char *input;
static size_t input_length;
static size_t input_capacity;

/* Reads what standard input has and carries out every whole request; 0 once it has ended. */
static int read_requests(void) {
  if (input_capacity - input_length < 65536) {
    input_capacity = input_capacity * 2 + 65536;
    if ((input = realloc(input, input_capacity)) == NULL) {
      protocol_error("out of memory");
    }
  }
  ssize_t got = read(STDIN_FILENO, input + input_length, input_capacity - input_length);
  if (got < 0) {
    return errno == EINTR || errno == EAGAIN;
  }
  if (got == 0) {
    return 0;
  }
  input_length += (size_t) got;
  size_t at = 0;
  while (input_length - at >= 4) {
    uint32_t length = (uint32_t) input[at] << 24 | (uint32_t) input[at + 1] << 16 | (uint32_t) input[at + 2] << 8
        | input[at + 3];
    if (length == 0 || length > MAX_FRAME) {
      protocol_error("a request frame is empty or longer than 16 MiB");
    }
    if (input_length - at - 4 < length) {
      break;
    }
    struct reader request = {input + at + 5, input + at + 4 + length};
    switch (input[at + 4]) {
      case 'L':
        launch(&request);
        break;
      case 'K':
        signal_command(&request);
        break;
      default:
        protocol_error("a request of unknown type");
    }
    at += 4 + length;
  }
  memmove(input, input + at, input_length - at);
  input_length -= at;
  return 1;
}

/* Standard input ended: kill everything, answer the exits that come within a few seconds, end. */
static void finish(void) {
  closing = 1;
  kill_all();
  for (size_t i = 0; i < command_count; i++) {
    if (commands[i].out >= 0) {
      close(commands[i].out);
      commands[i].out = -1;
    }
    if (commands[i].err >= 0) {
      close(commands[i].err);
      commands[i].err = -1;
    }
  }
  answer_finished();
  alarm(EXIT_WAIT_SECONDS);
  int status;
  pid_t pid;
  while (command_count > 0 && (pid = waitpid(-1, &status, 0)) > 0) {
    record_exit(pid, status);
    answer_finished();
  }
  exit(0);
}

/*
 * Gives every signal its default action, which commands inherit through exec where a signal is
 * ignored: whoever started the server may have ignored some (the JDK's jspawnhelper leaves 32 and 33
 * ignored, which glibc's sigaction refuses to touch, hence the system call). An all-zero action is
 * SIG_DFL with no flags and an empty mask whatever the architecture's layout.
 */
static void default_signals(void) {
  unsigned long action[4] = {0, 0, 0, 0};
  for (int signal_number = 1; signal_number <= 64; signal_number++) {
    if (signal_number != SIGKILL && signal_number != SIGSTOP) {
      syscall(SYS_rt_sigaction, signal_number, action, NULL, 8);
    }
  }
}

static int serve(void) {
  default_signals();
  sigset_t child_signal;
  sigemptyset(&child_signal);
  sigaddset(&child_signal, SIGCHLD);
  if (sigprocmask(SIG_BLOCK, &child_signal, NULL) != 0) {
    perror("drover-spawn: sigprocmask");
    return 1;
  }
  int children = signalfd(-1, &child_signal, SFD_CLOEXEC | SFD_NONBLOCK);
  if (children < 0) {
    perror("drover-spawn: signalfd");
    return 1;
  }
  signal(SIGPIPE, SIG_IGN);
  answer_string('H', NULL, NULL, 0, VERSION);
  struct pollfd *polled = NULL;
  size_t polled_capacity = 0;
  for (;;) {
    size_t wanted = 2 + 2 * command_count;
    if (wanted > polled_capacity) {
      polled_capacity = wanted * 2;
      if ((polled = realloc(polled, polled_capacity * sizeof *polled)) == NULL) {
        protocol_error("out of memory");
      }
    }
    polled[0] = (struct pollfd) {STDIN_FILENO, POLLIN, 0};
    polled[1] = (struct pollfd) {children, POLLIN, 0};
    for (size_t i = 0; i < command_count; i++) {
      polled[2 + 2 * i] = (struct pollfd) {commands[i].out, POLLIN, 0};
      polled[3 + 2 * i] = (struct pollfd) {commands[i].err, POLLIN, 0};
    }
    size_t watched = command_count;
    if (poll(polled, wanted, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      perror("drover-spawn: poll");
      kill_all();
      return 1;
    }
    for (size_t i = 0; i < watched; i++) {
      if (polled[2 + 2 * i].revents != 0) {
        drain(&commands[i], 1);
      }
      if (polled[3 + 2 * i].revents != 0) {
        drain(&commands[i], 2);
      }
    }
    if (polled[1].revents != 0) {
      struct signalfd_siginfo info;
      while (read(children, &info, sizeof info) == sizeof info) {
      }
      reap();
    }
    answer_finished();
    if (polled[0].revents != 0 && !read_requests()) {
      finish();
    }
  }
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--version") == 0) {
    puts(VERSION);
    return 0;
  }
  if (argc == 2 && strcmp(argv[1], "--serve") == 0) {
    return serve();
  }
  fprintf(stderr, "usage: drover-spawn --serve | --version\n");
  return 2;
}
