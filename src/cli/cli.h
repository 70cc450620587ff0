/*
 * cli.h — what the command line says about itself: the one table of
 * commands and their options that `tearsheet --help`, `tearsheet help
 * COMMAND`, `tearsheet COMMAND --help` and the bash completion (which
 * reads that help) are made from, and `tearsheet --version`. tests/cli
 * checks the table against the man page, both ways.
 *
 * Must never: parse a command's arguments or run it (src/main.c does),
 * or describe an option main.c does not take.
 */
#ifndef TS_CLI_H
#define TS_CLI_H

#include <stdbool.h>
#include <stdio.h>

/* Exit codes of every command (tearsheet(1) EXIT STATUS). */
enum cli_exit { CLI_EXIT_OK = 0, CLI_EXIT_PROBLEMS = 1, CLI_EXIT_USAGE = 2 };

struct cli_option {
    const char *flag;  /* "-o", "--json" */
    const char *alias; /* "--output", or NULL */
    const char *arg;   /* "DIR" when it takes a value, else NULL */
    const char *help;  /* one line */
    bool in_operands;  /* already part of the command's operands (export --csv) */
};

struct cli_command {
    const char *name;
    const char *operands;             /* "[SITE]", "FILE..." */
    const char *summary;              /* one line for the list of commands */
    const char *about;                /* the help's paragraph (may hold newlines) */
    const struct cli_option *options; /* ends with an entry whose flag is NULL;
                                       * -h/--help is not listed, every command takes it */
    const char *example;              /* a command line or two, newline-separated */
    const char *exit_ok;              /* what 0 means for this command */
    const char *exit_problems;        /* what 1 means, or NULL when it never exits 1 */
    const char *exit_usage;           /* what 2 means */
};

/* NULL when there is no such command. */
const struct cli_command *cli_command_find(const char *name);

/* Every command with its summary, on `f`. */
void cli_print_usage(FILE *f);

/* "usage: tearsheet build [SITE] [-o DIR] ...", one line. */
void cli_print_synopsis(const struct cli_command *c, FILE *f);

/* One command's usage, options, example and exit codes. */
void cli_print_help(const struct cli_command *c, FILE *f);

/* True when -h or --help is among `argv` as an option (not as the value
 * of an option that takes one, and not after "--"). */
bool cli_wants_help(const struct cli_command *c, int argc, char **argv);

/* `tearsheet --version`: ours and the libraries' versions. Returns
 * CLI_EXIT_PROBLEMS when the image module cannot be loaded. */
int cli_print_version(FILE *f);

#endif
