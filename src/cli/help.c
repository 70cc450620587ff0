/*
 * help.c — the table of commands and options (cli.h) and the help made
 * from it: `tearsheet --help`, `tearsheet help COMMAND`, `tearsheet
 * COMMAND --help`. The bash completion reads these texts, so a new
 * option is written here once; tests/cli/docs.sh fails until
 * man/tearsheet.1 describes it too.
 *
 * Must never: print an option main.c does not take, or an option line
 * longer than one line (the completion and the man-page test read one
 * option per line, starting "  -").
 */
#include <string.h>

#include "cli/cli.h"

/* Every command also takes -h/--help; cli_print_help adds its line. */
static const struct cli_option help_option = {"-h", "--help", NULL, "print this help and exit",
                                              false};

/* One option per line reads better than clang-format's layout of it. */
/* clang-format off */
#define SITE_OPTIONS                                                                          \
    {"-o", "--output", "DIR", "write the site into DIR (default SITE/public)", false},        \
    {"--jobs", NULL, "N", "photos, then pages, made at once, 1 to 64 (default: one per core)", false}, \
    {"--stats", NULL, NULL, "print photos read, time per phase and peak memory", false}
/* clang-format on */

static const struct cli_option no_options[] = {{0}};
static const struct cli_option build_options[] = {SITE_OPTIONS, {0}};
static const struct cli_option serve_options[] = {
    {"--listen", NULL, "HOST:PORT", "address to serve on (default 127.0.0.1:8080)", false},
    {"--watch", NULL, NULL, "rebuild on save; open pages reload and show build errors", false},
    SITE_OPTIONS,
    {0}};
static const struct cli_option meta_options[] = {
    {"--json", NULL, NULL, "one JSON object per file (an array for several)", false},
    {"--iim-charset", NULL, "NAME",
     "charset of IPTC IIM text that declares none (default: CP949 or CP1252 by the bytes)", false},
    {0}};
static const struct cli_option verify_options[] = {
    {"--json", NULL, NULL, "the report as JSON, in the C2PA reference tool's shape", false},
    {"--trust", NULL, "PEM", "trust anchors (PEM certificates): Trusted instead of Valid", false},
    {"--fetch", NULL, NULL, "fetch a remote manifest the file names (http/https) and validate it",
     false},
    {0}};
static const struct cli_option keygen_options[] = {
    {"--csr", NULL, NULL, "a key and a certificate request for a CA, not a demo chain", false},
    {"--name", NULL, "NAME", "with --csr: the signer's name in the request (CN)", false},
    {"--org", NULL, "ORG", "with --csr: the organisation in the request (O)", false},
    {0}};
static const struct cli_option inquiries_options[] = {
    {"--site", NULL, "DIR", "the site whose inquiries these are (default .)", false},
    {"--csv", NULL, NULL, "with export: every inquiry as CSV on standard output", true},
    {0}};
static const struct cli_option passwd_options[] = {
    {"--site", NULL, "DIR", "the site whose owner this is (default .)", false}, {0}};

/* In DESIGN.md's order: making a site, then checking photos, then the
 * inquiry server's owner. */
static const struct cli_command commands[] = {
    {"new", "SITE", "scaffold a site with one example story",
     "Make the folder SITE with a site.yaml, one example story and the about and\n"
     "licensing pages. SITE must not already hold a site.yaml.",
     no_options, "tearsheet new mysite", "the site was made", "a file could not be written",
     "no SITE, or SITE already holds a site"},
    {"build", "[SITE]", "build SITE (default .) into SITE/public",
     "Build the site in SITE (default: the current folder) into SITE/public:\n"
     "pages, feeds, the sitemap and every photo's derivatives, signed when\n"
     "site.yaml names a signing_key. Unchanged photos are not processed again.",
     build_options, "tearsheet build mysite -o /var/www/photos", "the whole site was built",
     "some photo or story could not be built (each is named; the rest was built)",
     "an unknown option, a missing site folder, an error in site.yaml or a theme"},
    {"serve", "[SITE]", "build, then serve the site and take licensing inquiries",
     "Build SITE as build does, then serve it with the licensing-inquiry API and\n"
     "the owner's pages at /owner/ until stopped with Ctrl-C. A site with a\n"
     "photo that could not be built is still served. With --watch, for writing:\n"
     "a saved story, page, theme or site.yaml is rebuilt and the pages open in\n"
     "a browser reload by themselves, or show the build's errors over them.",
     serve_options, "tearsheet serve mysite --listen 0.0.0.0:8080\ntearsheet serve mysite --watch",
     "stopped with Ctrl-C", "the server could not start (e.g. the address is in use)",
     "an unknown option, a bad --listen, a missing site folder, an error in site.yaml"},
    {"meta", "FILE...", "the metadata tearsheet reads from photos",
     "Print the caption, credit, rights, dates, places and alt text tearsheet\n"
     "reads from each FILE (JPEG, TIFF, PNG, WebP, HEIC, AVIF), after the MWG\n"
     "rules reconcile IPTC IIM, XMP and EXIF.",
     meta_options, "tearsheet meta --json stories/kim/kim-01.jpg", "every FILE was read",
     "a FILE could not be read or parsed (named; the others are still shown)",
     "an unknown option or no FILE"},
    {"verify", "FILE...", "check photos' content credentials (C2PA)",
     "Validate the C2PA content credentials of each FILE (JPEG, PNG, WebP,\n"
     "AVIF/HEIF, MP4; photo.c2pa beside photo.jpg when the photo has none):\n"
     "signature, certificate chain, hashes and ingredients.",
     verify_options, "tearsheet verify --trust keys/trust-anchor.pem public/kim/*.jpg",
     "every FILE is Valid or Trusted, or carries no credentials",
     "a FILE's credentials are Invalid, or a FILE or its store cannot be read",
     "an unknown option, no FILE, or a --trust file that cannot be read"},
    {"keygen", "DIR",
     "a demo signing key, or a key and a certificate request",
     "Write an untrusted demo C2PA signing key, its certificate chain and the\n"
     "chain's trust anchor into DIR, for signing_key: in site.yaml. With --csr,\n"
     "write a key and a certificate request (signing-request.csr) with the C2PA\n"
     "claim-signing profile for a certificate authority to sign; its chain and\n"
     "the key then go under signing: in site.yaml. An existing key is never\n"
     "replaced.",
     keygen_options, "tearsheet keygen --csr --name \"Kim Min-ji\" --org \"Daily News\" keys",
     "the key and certificates (or request) were written", "a file could not be written",
     "no DIR, --csr without --name, or DIR already holds a signing key"},
    {"inquiries", "[list | show N | export --csv | mark N STATUS | backup FILE]",
     "the site's licensing inquiries",
     "List the licensing inquiries tearsheet serve stored (list, the default),\n"
     "show one, export all as CSV, mark one new, quoted, licensed or declined,\n"
     "or copy the store to FILE while the server runs (backup; for a\n"
     "PostgreSQL store: site.yaml, it prints the pg_dump command instead).",
     inquiries_options, "tearsheet inquiries mark 12 quoted --site mysite",
     "done", "there is no inquiry N",
     "an unknown subcommand or STATUS, or the folder is not a site"},
    {"passwd", "", "set the owner's password for /owner/",
     "Set the password of the owner's pages (/owner/) of tearsheet serve: read\n"
     "twice without echo on a terminal, once from a pipe.",
     passwd_options, "tearsheet passwd --site mysite", "the password was set",
     "it could not be stored", "no password given, the two differ, or the folder is not a site"},
    {"lint", "[SITE]", "privacy, accessibility and rights problems before publishing",
     "Check the site's stories and original photos before publishing: GPS,\n"
     "missing or placeholder alt text and captions, embargo instructions,\n"
     "missing rights, originals too small for the site's widths. One line per\n"
     "finding: FILE: FIELD: error|warning: why.",
     no_options, "tearsheet lint mysite", "no errors (warnings may have been printed)",
     "at least one error, or a story that cannot be read",
     "an unknown option, more than one SITE, a missing site folder, an error in site.yaml"},
};

const struct cli_command *cli_command_find(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

void cli_print_usage(FILE *f)
{
    fputs("usage: tearsheet COMMAND [ARGS]\n"
          "       tearsheet help COMMAND     that command's options, an example, exit codes\n"
          "       tearsheet COMMAND --help   the same\n"
          "       tearsheet --version        the versions of tearsheet and its libraries\n"
          "\n"
          "Commands:\n",
          f);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\nExit codes: 0 ok, 1 problems found, 2 usage or configuration error.\n"
          "Manual: man tearsheet, man tearsheet-site.yaml\n",
          f);
}

/* "-o, --output DIR" into `out`. */
static void option_words(const struct cli_option *o, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s%s%s%s%s", o->flag, o->alias ? ", " : "", o->alias ? o->alias : "",
             o->arg ? " " : "", o->arg ? o->arg : "");
}

/* Each line of `text` indented by two spaces. */
static void print_indented(const char *text, FILE *f)
{
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        fprintf(f, "  %.*s\n", (int)n, p);
        p += n + (p[n] == '\n');
    }
}

void cli_print_synopsis(const struct cli_command *c, FILE *f)
{
    fprintf(f, "usage: tearsheet %s%s%s", c->name, c->operands[0] ? " " : "", c->operands);
    for (const struct cli_option *o = c->options; o->flag; o++)
        if (!o->in_operands)
            fprintf(f, " [%s%s%s]", o->flag, o->arg ? " " : "", o->arg ? o->arg : "");
    fputc('\n', f);
}

void cli_print_help(const struct cli_command *c, FILE *f)
{
    cli_print_synopsis(c, f);
    fprintf(f, "\n%s\n\nOptions:\n", c->about);
    char words[96];
    option_words(&help_option, words, sizeof words);
    size_t width = strlen(words);
    for (const struct cli_option *o = c->options; o->flag; o++) {
        option_words(o, words, sizeof words);
        width = strlen(words) > width ? strlen(words) : width;
    }
    for (const struct cli_option *o = c->options;; o++) {
        const struct cli_option *line = o->flag ? o : &help_option; /* last */
        option_words(line, words, sizeof words);
        fprintf(f, "  %-*s  %s\n", (int)width, words, line->help);
        if (!o->flag)
            break;
    }
    fputs("\nExample:\n", f);
    print_indented(c->example, f);
    fprintf(f, "\nExit codes:\n  0  %s\n", c->exit_ok);
    if (c->exit_problems)
        fprintf(f, "  1  %s\n", c->exit_problems);
    fprintf(f, "  2  %s\n\nSee tearsheet(1).\n", c->exit_usage);
}

bool cli_wants_help(const struct cli_command *c, int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return false;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return true;
        for (const struct cli_option *o = c->options; o->flag; o++)
            if (o->arg &&
                (strcmp(argv[i], o->flag) == 0 || (o->alias && strcmp(argv[i], o->alias) == 0))) {
                i++; /* its value, even if it reads "--help" */
                break;
            }
    }
    return false;
}
