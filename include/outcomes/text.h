/* text.h: data text made fit to draw or print. Every string that comes from the input (a site,
 * an adverse-event code, an unknown header, a path) passes through here before it reaches cairo
 * or the terminal: cairo refuses invalid UTF-8 (the whole PDF fails), a terminal would take
 * control bytes as commands, and a byte-count cut ("%.24s") can split a character.
 *
 * The display form: each run of blanks, TABs, CRs and LFs is one space (none at either end);
 * a byte that is not part of valid UTF-8, a control byte (C0 other than those blanks, DEL) and
 * the bytes of a C1 control character are written as \xNN (four characters, never split); text
 * longer than the limit is cut on a character boundary and ends with "…" (U+2026, counted as
 * one character). The result is always valid UTF-8 without control characters.
 *
 * Ownership: the caller provides out; nothing is allocated. */
#ifndef OUTCOMES_TEXT_H
#define OUTCOMES_TEXT_H

#include <stddef.h>

/* No character limit (the cut is then only for lack of room in out). */
#define TEXT_ALL ((size_t)-1)

/* Room that out needs so that s (len bytes) is never cut for lack of space: each byte can
 * become \xNN, plus the ellipsis and the NUL. */
#define TEXT_ROOM(len) (4 * (size_t)(len) + 4)

/* The length (2 to 4) of the valid UTF-8 sequence at s, s[0] >= 0x80, within avail bytes
 * (TEXT_ALL for a NUL-terminated string), or 0 when it is not one: a bad lead or continuation
 * byte, an overlong form, a surrogate, a code point above U+10FFFF, or a C1 control
 * (U+0080-U+009F). The one UTF-8 decoder of the tool (the reader's checks and the display
 * form both use it). */
size_t text_utf8_seq(const unsigned char *s, size_t avail);

/* Writes the display form of s, at most max_chars characters, into out[0..outn) (NUL-terminated;
 * when outn is too small the text is cut earlier, still with the ellipsis). Returns out. */
char *text_display(char *out, size_t outn, const char *s, size_t max_chars);

/* As text_display with no character limit, but blanks kept as they are: each TAB, CR and LF
 * becomes one space and runs are not joined. For our own sentences (which may align with
 * double spaces) and for messages, where only invalid or control bytes must go. Returns out. */
char *text_escape(char *out, size_t outn, const char *s);

/* 1 when text_escape would return s unchanged: valid UTF-8 without control characters. */
int text_is_plain(const char *s);

/* The number of characters of text_display(s) without a limit (for fitting it to a width). */
size_t text_display_chars(const char *s);

#endif
