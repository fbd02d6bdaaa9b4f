#define _POSIX_C_SOURCE 200809L
/* json_get.c: prints the value at a dotted path of a JSON file (array elements by number), for
 * the shell tests: json_get results.json response.ci.0 -> 0.4577636113392688. Numbers are
 * printed with 17 significant digits; null as "null"; an object or array as compact JSON with
 * sorted keys. Exit 1 when the path is missing. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    json_error_t err;
    if (argc != 3) {
        fprintf(stderr, "usage: json_get FILE PATH\n");
        return 2;
    }
    json_t *root = json_load_file(argv[1], 0, &err), *v = root;
    if (!root) {
        fprintf(stderr, "json_get: %s: %s\n", argv[1], err.text);
        return 2;
    }
    char *path = strdup(argv[2]);
    for (char *tok = strtok(path, "."); tok && v; tok = strtok(NULL, "."))
        v = json_is_array(v) ? json_array_get(v, strtoul(tok, NULL, 10)) : json_object_get(v, tok);
    int rc = 0;
    if (!v)
        rc = 1;
    else if (json_is_null(v))
        printf("null\n");
    else if (json_is_string(v))
        printf("%s\n", json_string_value(v));
    else if (json_is_number(v))
        printf("%.17g\n", json_number_value(v));
    else if (json_is_boolean(v))
        printf("%s\n", json_is_true(v) ? "true" : "false");
    else { /* an object or array: compact, keys sorted (to compare two files' subtrees) */
        char *text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
        if (text)
            printf("%s\n", text);
        else
            rc = 1;
        free(text);
    }
    free(path);
    json_decref(root);
    return rc;
}
