// A narrow window onto ICU for Swift. Only stdint types cross it: a Swift module that
// includes <unicode/*.h> clashes with Foundation's own copy of ICU (see DESIGN.md).
#ifndef STUDIOLOOP_CICUSHIM_H
#define STUDIOLOOP_CICUSHIM_H

#include <stdint.h>

/// Folds UTF-16 text for search and splits it into words: NFKC, Arabic letter-form
/// normalization, transliteration of any script to Latin, diacritics removed, lower case;
/// then ICU word breaking, keeping only words made of letters or digits.
///
/// Writes the words into `dst`, each followed by one U+0020, and returns the number of
/// UTF-16 units written. If `cap` is too small, returns the capacity needed and writes
/// nothing useful. Returns -1 if ICU reports an error.
///
/// Thread-safe: each thread folds with its own clone of the transliterator.
int32_t slicu_fold_words(const uint16_t *src, int32_t len, uint16_t *dst, int32_t cap);

/// The columns a terminal gives UTF-16 text, by ICU's character properties: 0 for
/// combining marks and format characters (Arabic vowel marks, bidi controls), 2 for East
/// Asian wide and fullwidth characters, 1 for the rest.
int32_t slicu_display_width(const uint16_t *src, int32_t len);

/// 1 if the first strong direction of the text is right to left (Arabic, Hebrew), else 0.
int32_t slicu_is_right_to_left(const uint16_t *src, int32_t len);

#endif
