/* json_compare.c: checks that every value present in EXPECTED.json is in ACTUAL.json, as the
 * reference cases' README defines: numbers equal within absolute 1e-9 or relative 1e-9, null
 * only where null is expected, strings exact, arrays element by element with the same length.
 * Keys that EXPECTED lacks are not checked. Prints each difference with its JSON path; exits 0
 * when there is none, 1 otherwise, 2 on usage or unreadable input. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static long differences;

static void report(const char *path, const char *what)
{
    if (differences < 50)
        printf("%s: %s\n", path, what);
    differences++;
}

static void compare(const json_t *e, const json_t *a, const char *path)
{
    char msg[512];
    if (!a) {
        report(path, "missing");
        return;
    }
    if (json_is_null(e) || json_is_null(a)) {
        if (!json_is_null(e) || !json_is_null(a))
            report(path, json_is_null(e) ? "expected null" : "unexpected null");
        return;
    }
    if (json_is_number(e)) {
        if (!json_is_number(a)) {
            report(path, "expected a number");
            return;
        }
        double x = json_number_value(e), y = json_number_value(a);
        if (!(fabs(x - y) <= 1e-9 || fabs(x - y) <= 1e-9 * fabs(x))) {
            snprintf(msg, sizeof msg, "expected %.17g, got %.17g", x, y);
            report(path, msg);
        }
        return;
    }
    if (json_is_string(e)) {
        if (!json_is_string(a) || strcmp(json_string_value(e), json_string_value(a)) != 0) {
            snprintf(msg, sizeof msg, "expected \"%s\"", json_string_value(e));
            report(path, msg);
        }
        return;
    }
    if (json_is_boolean(e)) {
        if (!json_is_boolean(a) || json_is_true(e) != json_is_true(a))
            report(path, json_is_true(e) ? "expected true" : "expected false");
        return;
    }
    if (json_is_array(e)) {
        if (!json_is_array(a) || json_array_size(e) != json_array_size(a)) {
            snprintf(msg, sizeof msg, "expected an array of %zu", json_array_size(e));
            report(path, msg);
            return;
        }
        for (size_t i = 0; i < json_array_size(e); i++) {
            char sub[1024];
            snprintf(sub, sizeof sub, "%s[%zu]", path, i);
            compare(json_array_get(e, i), json_array_get(a, i), sub);
        }
        return;
    }
    if (json_is_object(e)) {
        if (!json_is_object(a)) {
            report(path, "expected an object");
            return;
        }
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)e, key, v)
        {
            char sub[1024];
            snprintf(sub, sizeof sub, "%s.%s", path, key);
            compare(v, json_object_get(a, key), sub);
        }
    }
}

int main(int argc, char **argv)
{
    json_error_t err;
    if (argc != 3) {
        fprintf(stderr, "usage: json_compare EXPECTED.json ACTUAL.json\n");
        return 2;
    }
    json_t *e = json_load_file(argv[1], 0, &err);
    json_t *a = e ? json_load_file(argv[2], 0, &err) : NULL;
    if (!e || !a) {
        fprintf(stderr, "json_compare: %s:%d: %s\n", err.source, err.line, err.text);
        return 2;
    }
    compare(e, a, "$");
    json_decref(e);
    json_decref(a);
    if (differences)
        printf("%ld differences\n", differences);
    return differences ? 1 : 0;
}
