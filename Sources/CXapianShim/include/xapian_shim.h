// A small C face on Xapian for the benchmark's Xapian peer: build a database of sessions, then
// search it from one handle per thread. Every function catches Xapian's exceptions and returns
// an error message (free it with xs_free_error) instead.
#pragma once
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct xs_builder xs_builder;
typedef struct xs_searcher xs_searcher;

/// One session as a document: its class's folded words (all, and the class's own apart), its
/// gym's position, and what filters and orders use.
typedef struct {
    const char *const *words;
    size_t word_count;
    const char *const *own_words;
    size_t own_word_count;
    double latitude, longitude;
    int64_t start;
    int32_t spots;
    int32_t credits;
    uint32_t class_type;
    int marketplace;
    /// The session id's place in the sorted ids: the last tie-break.
    uint32_t id_rank;
} xs_session;

/// One query word: the word (a prefix too when `is_prefix`) and its synonyms.
typedef struct {
    const char *word;
    int is_prefix;
    const char *const *synonyms;
    size_t synonym_count;
} xs_word;

enum { XS_BY_DISTANCE = 0, XS_BY_START = 1, XS_BY_CREDITS = 2 };

typedef struct {
    double latitude, longitude, radius_km, earth_radius_km;
    /// The circle's latitude and longitude box, for the cell terms.
    double south, north, west, east;
    int64_t from, to;
    /// -1 for any type.
    int32_t class_type;
    int sort;
    const xs_word *words;
    size_t word_count;
    size_t limit;
} xs_query;

xs_builder *xs_builder_open(const char *path, char **error);
/// Adds the next document; documents are numbered from 1 in the order they are added.
int xs_builder_add(xs_builder *builder, const xs_session *session, char **error);
/// Commits and closes; frees the builder either way.
int xs_builder_close(xs_builder *builder, char **error);

xs_searcher *xs_searcher_open(const char *path, char **error);
/// The page's document numbers, in order; `*count` says how many.
int xs_search(xs_searcher *searcher, const xs_query *query, uint32_t *documents, size_t *count, char **error);
void xs_searcher_close(xs_searcher *searcher);

void xs_free_error(char *error);

#ifdef __cplusplus
}
#endif
