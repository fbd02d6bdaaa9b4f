/* safename.c: the directory name of one site's or clinician's report (report_safe_name,
 * README "Outputs"). Bytes, not characters: a value is named by its bytes as read, so two
 * spellings of one word (precomposed and combining accents) are two names, as they are two
 * stratum values. */
#include <string.h>

#include "outcomes/report.h"
#include "outcomes/sha256.h"

static int kept(unsigned char c, size_t at)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || (c == '.' && at > 0);
}

size_t report_safe_name(const char *value, size_t n, char *out)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0, cut = 0; /* cut: the end of the last whole byte's form within the short part */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)value[i];
        char form[3] = {(char)c, 0, 0};
        size_t k = 1;
        if (!kept(c, i)) {
            form[0] = '%';
            form[1] = hex[c >> 4];
            form[2] = hex[c & 15];
            k = 3;
        }
        if (o + k <= REPORT_SAFE_NAME_MAX) {
            memcpy(out + o, form, k);
            if (o + k <= REPORT_SAFE_NAME_SHORT)
                cut = o + k;
        }
        o += k;
    }
    if (o <= REPORT_SAFE_NAME_MAX) {
        out[o] = '\0';
        return o;
    }
    /* too long for a file name: the first bytes' form, '~' (never in the form above, where it
     * is %7E) and 32 hex digits of the value's SHA-256 */
    char digest[65];
    if (sha256_hex(value, n, digest) != 0)
        memset(digest, '0', 64);
    out[cut] = '~';
    memcpy(out + cut + 1, digest, 32);
    out[cut + 33] = '\0';
    return cut + 33;
}
