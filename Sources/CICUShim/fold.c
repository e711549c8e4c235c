#include "CICUShim.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/utrans.h>
#include <unicode/ustring.h>
#include <unicode/uchar.h>

// The fold as one ICU rule set. Arabic marks (tashkeel, superscript alef) and tatweel go
// first and the hamza-carrying alef, waw and yeh forms become their plain letters, so
// "إدارة" and "ادارة" transliterate alike.
static const char *const FOLD_RULES =
    ":: NFKC ;"
    "[\\u0640\\u064B-\\u065F\\u0670] > ;"
    "[\\u0622\\u0623\\u0625\\u0671] > \\u0627 ;"
    "\\u0624 > \\u0648 ;"
    "[\\u0626\\u0649] > \\u064A ;"
    "\\u0629 > \\u0647 ;"
    ":: Any-Latin ;"
    ":: NFD ;"
    ":: [:Nonspacing Mark:] Remove ;"
    ":: Latin-ASCII ;"
    "[\\u02BE\\u02BF] > ;"  // ayin and hamza half rings left by Arabic transliteration
    ":: Lower ;"
    ":: NFC ;";

static UTransliterator *prototype;  // opened once; each thread clones it
static pthread_once_t prototype_once = PTHREAD_ONCE_INIT;
static pthread_key_t thread_state_key;

typedef struct {
    UTransliterator *trans;
    UBreakIterator *words;
} thread_state;

static void thread_state_free(void *p) {
    thread_state *s = p;
    if (s->trans) utrans_close(s->trans);
    if (s->words) ubrk_close(s->words);
    free(s);
}

static void open_prototype(void) {
    UChar rules[1024];
    UErrorCode status = U_ZERO_ERROR;
    u_strFromUTF8(rules, 1024, NULL, FOLD_RULES, -1, &status);
    if (U_FAILURE(status)) return;
    UParseError parse;
    UChar id[] = {'s', 'l', '-', 'f', 'o', 'l', 'd', 0};
    prototype = utrans_openU(id, -1, UTRANS_FORWARD, rules, -1, &parse, &status);
    if (U_FAILURE(status)) prototype = NULL;
    pthread_key_create(&thread_state_key, thread_state_free);
}

static thread_state *current_state(void) {
    pthread_once(&prototype_once, open_prototype);
    if (!prototype) return NULL;
    thread_state *s = pthread_getspecific(thread_state_key);
    if (s) return s;
    s = calloc(1, sizeof *s);
    if (!s) return NULL;
    UErrorCode status = U_ZERO_ERROR;
    s->trans = utrans_clone(prototype, &status);
    s->words = ubrk_open(UBRK_WORD, "", NULL, 0, &status);
    if (U_FAILURE(status)) {
        thread_state_free(s);
        return NULL;
    }
    pthread_setspecific(thread_state_key, s);
    return s;
}

int32_t slicu_fold_words(const uint16_t *src, int32_t len, uint16_t *dst, int32_t cap) {
    thread_state *s = current_state();
    if (!s || len < 0) return -1;

    // Transliteration works in place and may grow the text (one Ge'ez syllable becomes
    // two Latin letters, one Han character a syllable): give it room.
    int32_t room = len * 4 + 16;
    UChar stack[512];
    UChar *text = room <= 512 ? stack : malloc(sizeof(UChar) * room);
    if (!text) return -1;
    memcpy(text, src, sizeof(UChar) * len);
    int32_t textLen = len, limit = len;
    UErrorCode status = U_ZERO_ERROR;
    utrans_transUChars(s->trans, text, &textLen, room, 0, &limit, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
        // Rare: grow to what ICU asked for and start again from the source.
        if (text != stack) free(text);
        room = textLen + 16;
        text = malloc(sizeof(UChar) * room);
        if (!text) return -1;
        memcpy(text, src, sizeof(UChar) * len);
        textLen = len; limit = len; status = U_ZERO_ERROR;
        utrans_transUChars(s->trans, text, &textLen, room, 0, &limit, &status);
    }
    if (U_FAILURE(status)) {
        if (text != stack) free(text);
        return -1;
    }

    ubrk_setText(s->words, text, textLen, &status);
    if (U_FAILURE(status)) {
        if (text != stack) free(text);
        return -1;
    }
    int32_t written = 0;
    int32_t start = ubrk_first(s->words);
    for (int32_t end = ubrk_next(s->words); end != UBRK_DONE; start = end, end = ubrk_next(s->words)) {
        if (ubrk_getRuleStatus(s->words) == UBRK_WORD_NONE) continue;  // spaces, punctuation
        if (written + (end - start) + 1 <= cap) {
            memcpy(dst + written, text + start, sizeof(UChar) * (end - start));
            dst[written + (end - start)] = ' ';
        }
        written += (end - start) + 1;
    }
    if (text != stack) free(text);
    return written;
}

int32_t slicu_display_width(const uint16_t *src, int32_t len) {
    int32_t width = 0;
    for (int32_t i = 0; i < len;) {
        UChar32 c;
        U16_NEXT(src, i, len, c);
        int8_t type = u_charType(c);
        if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK || type == U_FORMAT_CHAR || type == U_CONTROL_CHAR) continue;
        int32_t east_asian = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
        width += (east_asian == U_EA_WIDE || east_asian == U_EA_FULLWIDTH) ? 2 : 1;
    }
    return width;
}

int32_t slicu_is_right_to_left(const uint16_t *src, int32_t len) {
    for (int32_t i = 0; i < len;) {
        UChar32 c;
        U16_NEXT(src, i, len, c);
        UCharDirection d = u_charDirection(c);
        if (d == U_LEFT_TO_RIGHT) return 0;
        if (d == U_RIGHT_TO_LEFT || d == U_RIGHT_TO_LEFT_ARABIC) return 1;
    }
    return 0;
}
