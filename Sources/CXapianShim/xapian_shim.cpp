// The Xapian peer's C face (see include/xapian_shim.h). One document per session:
//   terms  W<word> (every folded word of its class), O<word> (the class's own words),
//          M (its gym is listed on the marketplace), T<type>, and the cells of its gym's position,
//          G<row>:<column> in 0.05° cells and H<row>:<column> in 0.25° cells;
//   values 0 the exact position (two doubles), 1 the start and 2 the spots (sortable_serialise,
//          for value ranges), 3 the tie-breaks (credits, start, id rank; fixed-width, big-endian).
// A query is the words' match, filtered by those terms and value ranges; its order is the number
// of words the class matches itself (CoordWeight: one point per word of the optional own part),
// then a key of distance or credits, start and id rank; the exact radius is a MatchDecider.
#include "xapian_shim.h"

#include <xapian.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr double fineCell = 0.05, coarseCell = 0.25;
constexpr Xapian::valueno positionSlot = 0, startSlot = 1, spotsSlot = 2, tieSlot = 3;

char *copy(const std::string &message) {
    char *out = static_cast<char *>(std::malloc(message.size() + 1));
    if (out) std::memcpy(out, message.c_str(), message.size() + 1);
    return out;
}

template <typename Body> int guarded(char **error, Body body) {
    try {
        body();
        return 0;
    } catch (const Xapian::Error &e) {
        if (error) *error = copy(e.get_description());
    } catch (const std::exception &e) {
        if (error) *error = copy(e.what());
    }
    return -1;
}

std::string cell(char prefix, double size, double latitude, double longitude) {
    long row = std::lround(std::floor((latitude + 90) / size));
    long column = std::lround(std::floor((longitude + 180) / size));
    return std::string(1, prefix) + std::to_string(row) + ":" + std::to_string(column);
}

void appendBigEndian(std::string &out, uint64_t value, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

uint64_t readBigEndian(const std::string &in, size_t at, int bytes) {
    uint64_t value = 0;
    for (int i = 0; i < bytes; ++i) value = (value << 8) | static_cast<unsigned char>(in[at + i]);
    return value;
}

// The project's great circle (Sources/Geo/GreatCircle.swift), the same arithmetic in the same
// order, so distances compare as the reference's do.
struct GreatCircle {
    double latitude, longitude, cosLatitude, earthRadiusKm;

    static double hav(double angle) {
        double s = std::sin(angle / 2);
        return s * s;
    }

    double distanceKm(double lat, double lng) const {
        double dLat = lat * M_PI / 180 - latitude * M_PI / 180;
        double dLng = (lng - longitude) * M_PI / 180;
        double h = hav(dLat) + cosLatitude * std::cos(lat * M_PI / 180) * hav(dLng);
        return 2 * earthRadiusKm * std::asin(std::sqrt(std::min(1.0, std::max(0.0, h))));
    }

    double distanceKm(const Xapian::Document &document) const {
        std::string position = document.get_value(positionSlot);
        double lat, lng;
        std::memcpy(&lat, position.data(), sizeof lat);
        std::memcpy(&lng, position.data() + sizeof lat, sizeof lng);
        return distanceKm(lat, lng);
    }
};

class WithinRadius : public Xapian::MatchDecider {
    GreatCircle centre;
    double radiusKm;

  public:
    WithinRadius(GreatCircle centre, double radiusKm) : centre(centre), radiusKm(radiusKm) {}
    bool operator()(const Xapian::Document &document) const override { return centre.distanceKm(document) <= radiusKm; }
};

class SortKey : public Xapian::KeyMaker {
    GreatCircle centre;
    int sort;

  public:
    SortKey(GreatCircle centre, int sort) : centre(centre), sort(sort) {}
    std::string operator()(const Xapian::Document &document) const override {
        std::string ties = document.get_value(tieSlot);  // credits 4, start 8, id rank 4
        std::string key;
        if (sort == XS_BY_DISTANCE) {
            double distance = centre.distanceKm(document);
            uint64_t bits;
            std::memcpy(&bits, &distance, sizeof bits);  // a non-negative double's bits order as it does
            appendBigEndian(key, bits, 8);
            key.append(ties, 4, 12);
        } else if (sort == XS_BY_CREDITS) {
            key = ties;
        } else {
            key.append(ties, 4, 12);
        }
        return key;
    }
};

Xapian::Query alternatives(char prefix, const xs_word &word) {
    std::vector<Xapian::Query> any;
    std::string term = std::string(1, prefix) + word.word;
    any.emplace_back(term);
    if (word.is_prefix) any.emplace_back(Xapian::Query::OP_WILDCARD, term);
    for (size_t i = 0; i < word.synonym_count; ++i) any.emplace_back(std::string(1, prefix) + word.synonyms[i]);
    // A synonym group weighs as one term: one point per word, however many of its forms match.
    return Xapian::Query(Xapian::Query::OP_SYNONYM, any.begin(), any.end());
}

Xapian::Query cells(const xs_query &q) {
    if (q.south <= -90 || q.north >= 90) return Xapian::Query::MatchAll;
    double size = fineCell;
    char prefix = 'G';
    auto span = [&](double size) {
        return (std::floor((q.north + 90) / size) - std::floor((q.south + 90) / size) + 1) *
               (std::floor((q.east + 180) / size) - std::floor((q.west + 180) / size) + 1);
    };
    if (span(fineCell) > 16) {
        size = coarseCell;
        prefix = 'H';
    }
    std::vector<Xapian::Query> any;
    for (double lat = std::floor((q.south + 90) / size); lat <= std::floor((q.north + 90) / size); lat += 1)
        for (double lng = std::floor((q.west + 180) / size); lng <= std::floor((q.east + 180) / size); lng += 1)
            any.emplace_back(std::string(1, prefix) + std::to_string(std::lround(lat)) + ":" + std::to_string(std::lround(lng)));
    return Xapian::Query(Xapian::Query::OP_OR, any.begin(), any.end());
}

}  // namespace

struct xs_builder {
    Xapian::WritableDatabase database;
};

struct xs_searcher {
    Xapian::Database database;
};

extern "C" {

xs_builder *xs_builder_open(const char *path, char **error) {
    xs_builder *builder = nullptr;
    guarded(error, [&] {
        // Commit in large batches: the load is one bulk build, not live updates.
        setenv("XAPIAN_FLUSH_THRESHOLD", "1000000", 1);
        builder = new xs_builder{Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_BACKEND_GLASS)};
    });
    return builder;
}

int xs_builder_add(xs_builder *builder, const xs_session *s, char **error) {
    return guarded(error, [&] {
        Xapian::Document document;
        for (size_t i = 0; i < s->word_count; ++i) document.add_boolean_term(std::string("W") + s->words[i]);
        for (size_t i = 0; i < s->own_word_count; ++i) document.add_boolean_term(std::string("O") + s->own_words[i]);
        if (s->marketplace) document.add_boolean_term("M");
        document.add_boolean_term("T" + std::to_string(s->class_type));
        document.add_boolean_term(cell('G', fineCell, s->latitude, s->longitude));
        document.add_boolean_term(cell('H', coarseCell, s->latitude, s->longitude));
        std::string position(2 * sizeof(double), '\0');
        std::memcpy(&position[0], &s->latitude, sizeof(double));
        std::memcpy(&position[sizeof(double)], &s->longitude, sizeof(double));
        document.add_value(positionSlot, position);
        document.add_value(startSlot, Xapian::sortable_serialise(static_cast<double>(s->start)));
        document.add_value(spotsSlot, Xapian::sortable_serialise(s->spots));
        std::string ties;
        appendBigEndian(ties, static_cast<uint32_t>(s->credits) ^ 0x80000000u, 4);
        appendBigEndian(ties, static_cast<uint64_t>(s->start) ^ 0x8000000000000000ull, 8);
        appendBigEndian(ties, s->id_rank, 4);
        document.add_value(tieSlot, ties);
        builder->database.add_document(document);
    });
}

int xs_builder_close(xs_builder *builder, char **error) {
    int status = guarded(error, [&] {
        builder->database.commit();
        builder->database.close();
    });
    delete builder;
    return status;
}

xs_searcher *xs_searcher_open(const char *path, char **error) {
    xs_searcher *searcher = nullptr;
    guarded(error, [&] { searcher = new xs_searcher{Xapian::Database(path)}; });
    return searcher;
}

int xs_search(xs_searcher *searcher, const xs_query *q, uint32_t *documents, size_t *count, char **error) {
    return guarded(error, [&] {
        std::vector<Xapian::Query> filters{Xapian::Query("M"), cells(*q)};
        if (q->class_type >= 0) filters.emplace_back("T" + std::to_string(q->class_type));
        filters.emplace_back(
            Xapian::Query::OP_VALUE_RANGE, startSlot, Xapian::sortable_serialise(static_cast<double>(q->from)),
            Xapian::sortable_serialise(static_cast<double>(q->to - 1))
        );
        filters.emplace_back(Xapian::Query::OP_VALUE_GE, spotsSlot, Xapian::sortable_serialise(1));
        Xapian::Query filter(Xapian::Query::OP_AND, filters.begin(), filters.end());

        Xapian::Enquire enquire(searcher->database);
        if (q->word_count == 0) {
            enquire.set_query(filter);
            enquire.set_weighting_scheme(Xapian::BoolWeight());
        } else {
            std::vector<Xapian::Query> all, own;
            for (size_t i = 0; i < q->word_count; ++i) {
                all.push_back(alternatives('W', q->words[i]));
                own.push_back(alternatives('O', q->words[i]));
            }
            Xapian::Query required(Xapian::Query::OP_AND, all.begin(), all.end());
            Xapian::Query mine(Xapian::Query::OP_OR, own.begin(), own.end());
            Xapian::Query words(Xapian::Query::OP_AND_MAYBE, Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, required, 0), mine);
            enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, words, filter));
            enquire.set_weighting_scheme(Xapian::CoordWeight());
        }
        double cosLatitude = std::cos(q->latitude * M_PI / 180);
        GreatCircle centre{q->latitude, q->longitude, cosLatitude, q->earth_radius_km};
        SortKey key(centre, q->sort);
        enquire.set_sort_by_relevance_then_key(&key, false);
        WithinRadius within(centre, q->radius_km);
        Xapian::MSet page = enquire.get_mset(0, q->limit, 0, nullptr, &within);
        size_t n = 0;
        for (auto it = page.begin(); it != page.end() && n < q->limit; ++it) documents[n++] = *it;
        *count = n;
    });
}

void xs_searcher_close(xs_searcher *searcher) { delete searcher; }

void xs_free_error(char *error) { std::free(error); }

}  // extern "C"
