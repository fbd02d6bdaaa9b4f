/* manifest.c: manifest.json, the record an auditor reruns from: the tool and library versions,
 * the exact command line, every effective option (as command-line words, so a rerun needs no
 * config file), each input's path (with path_hex, its exact bytes, when it is not UTF-8), size,
 * rows and SHA-256, the --columns and benchmarks files' size and SHA-256, each output's size
 * and SHA-256, and report.pdf's content hash per page.
 * The libraries are the versions running (not those compiled against, where the library can
 * tell), and the font file's hash: what verify names when a rerun's PDF has other bytes.
 * Nothing here depends on the clock or the machine. */
#include <csv.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <gsl/gsl_version.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outcomes/report.h"
#include "report_int.h"

#define STR_(x) #x
#define STR(x) STR_(x)

/* "major.minor.micro" of a library that tells its version as numbers. */
static json_t *version3(int major, int minor, int micro)
{
    char buf[48];
    snprintf(buf, sizeof buf, "%d.%d.%d", major, minor, micro);
    return json_string(buf);
}

/* FreeType's version as the running library tells it ("" when it cannot be started). */
static json_t *freetype_version(void)
{
    FT_Library lib;
    FT_Int major = 0, minor = 0, patch = 0;
    if (FT_Init_FreeType(&lib) != 0)
        return json_string("");
    FT_Library_Version(lib, &major, &minor, &patch);
    FT_Done_FreeType(lib);
    return version3(major, minor, patch);
}

static json_t *file_entry(const struct manifest_file *f, int input)
{
    json_t *o = json_object();
    if (input)
        report_json_set_path(o, "path", f->path);
    else
        json_object_set_new(o, "name", json_string(f->path));
    json_object_set_new(o, "size", json_integer((json_int_t)f->size));
    if (input)
        json_object_set_new(o, "rows", json_integer(f->rows));
    if (input && f->shape)
        json_object_set_new(o, "shape", json_string(f->shape));
    json_object_set_new(o, "sha256", json_string(f->sha256));
    return o;
}

/* Command-line words: readable text (report_json_text); with exact, a word that is not UTF-8
 * is written as {"hex": its bytes} instead, so that verify reruns with the same bytes. */
static json_t *strings(const char *const *v, size_t n, int exact)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        if (exact && !report_utf8_valid(v[i])) {
            char *hex = report_hex(v[i]);
            json_t *w = json_object();
            json_object_set_new(w, "hex", hex ? json_string(hex) : json_null());
            free(hex);
            json_array_append_new(a, w);
        } else {
            json_array_append_new(a, report_json_text(v[i]));
        }
    }
    return a;
}

char *report_manifest_json(const struct manifest *m, size_t *len)
{
    json_t *root = json_object(), *t = json_object(), *lib = json_object();
    json_object_set_new(root, "schema", json_integer(1));
    json_object_set_new(t, "name", json_string("outcomes"));
    json_object_set_new(t, "version", json_string(OUTCOMES_VERSION));
    json_object_set_new(root, "tool", t);
    int fc = FcGetVersion();
    json_object_set_new(lib, "cairo", json_string(cairo_version_string()));
    json_object_set_new(lib, "fontconfig", version3(fc / 10000, fc / 100 % 100, fc % 100));
    json_object_set_new(lib, "freetype", freetype_version());
    json_object_set_new(lib, "gsl", json_string(gsl_version));
    /* libcsv tells no version at run time: the headers' */
    json_object_set_new(lib, "libcsv",
                        json_string(STR(CSV_MAJOR) "." STR(CSV_MINOR) "." STR(CSV_RELEASE)));
    json_object_set_new(lib, "jansson", json_string(jansson_version_str()));
    json_object_set_new(root, "libraries", lib);
    json_object_set_new(root, "command_line", strings(m->argv, m->argc, 0));
    json_object_set_new(root, "options", strings(m->options, m->noptions, 1));
    json_object_set_new(root, "source_date_epoch",
                        m->source_date_epoch ? json_string(m->source_date_epoch) : json_null());
    json_object_set_new(root, "as_of", json_string(m->as_of));
    if (m->each_by) { /* SPEC section 14: what this report is of */
        json_t *e = json_object();
        json_object_set_new(e, "by", json_string(m->each_by));
        if (m->each_value) {
            report_json_set_path(e, "value", m->each_value);
            json_object_set_new(e, "directory", json_string(m->each_dir));
        } else {
            json_object_set_new(e, "index", json_string("index.json"));
        }
        json_object_set_new(root, "each", e);
    }
    json_t *in = json_array(), *out = json_array();
    for (size_t i = 0; i < m->ninputs; i++)
        json_array_append_new(in, file_entry(&m->inputs[i], 1));
    json_object_set_new(root, "inputs", in);
    if (m->columns.path) {
        json_t *c = json_object();
        report_json_set_path(c, "path", m->columns.path);
        json_object_set_new(c, "size", json_integer((json_int_t)m->columns.size));
        json_object_set_new(c, "sha256", json_string(m->columns.sha256));
        json_object_set_new(root, "columns_file", c);
    } else {
        json_object_set_new(root, "columns_file", json_null());
    }
    /* the digest of the benchmarks file parsed (page 1's comparison): a changed shipped file
     * is named by verify, not only seen as other results */
    json_t *b = json_object();
    if (m->benchmarks.path)
        report_json_set_path(b, "path", m->benchmarks.path);
    else
        json_object_set_new(b, "shipped", json_true());
    json_object_set_new(b, "size", json_integer((json_int_t)m->benchmarks.size));
    json_object_set_new(b, "sha256", json_string(m->benchmarks.sha256));
    json_object_set_new(root, "benchmarks_file", b);
    for (size_t i = 0; i < m->noutputs; i++) {
        json_t *e = file_entry(&m->outputs[i], 0);
        if (strcmp(m->outputs[i].path, "report.pdf") == 0 && m->npdf_pages) {
            json_t *pages = json_array();
            for (size_t k = 0; k < m->npdf_pages; k++)
                json_array_append_new(pages, json_string(m->pdf_pages[k]));
            json_object_set_new(e, "pages", pages);
        }
        json_array_append_new(out, e);
    }
    json_object_set_new(root, "outputs", out);
    /* the font drawn with (after the files, which tests and people look for first) */
    json_t *font = json_object();
    json_object_set_new(font, "file", json_string(m->font_file ? m->font_file : ""));
    json_object_set_new(font, "sha256", json_string(m->font_sha256 ? m->font_sha256 : ""));
    json_object_set_new(root, "font", font);
    char *text = json_dumps(root, JSON_PRESERVE_ORDER | JSON_INDENT(2));
    json_decref(root);
    if (!text)
        return NULL;
    size_t n = strlen(text);
    char *o = realloc(text, n + 2);
    if (!o) {
        free(text);
        return NULL;
    }
    o[n] = '\n';
    o[n + 1] = '\0';
    *len = n + 1;
    return o;
}
