/* libsensor: a deliberately small C library for module 04's FFI exercise (04.3).
 *
 * Conventions, as a C header would state them (the Rust wrappers must uphold them):
 * - every pointer argument must be valid and non-null unless its comment says otherwise;
 * - lengths count elements, not bytes;
 * - a string this library returns is owned by the library: give it back to
 *   sensor_label_free, never to another allocator's free.
 */
#ifndef SENSOR_H
#define SENSOR_H

#include <stddef.h>
#include <stdint.h>

/* One reading, in C's layout: sensor at offset 0, value at 4, flags at 8; 12 bytes, align 4. */
struct sensor_reading {
    uint8_t sensor;
    uint32_t value;
    uint8_t flags;
};

/* Fletcher-style checksum of `len` bytes. `data` may be NULL only when `len` is 0. */
uint32_t sensor_checksum(const uint8_t *data, size_t len);

/* Packs a reading into one code: sensor << 40 | value << 8 | flags. */
uint64_t sensor_encode(const struct sensor_reading *reading);

/* Returns a newly allocated, NUL-terminated "sensor <id>: <name>", or NULL when memory runs out.
 * `name` must be NUL-terminated. Release the result with sensor_label_free. */
char *sensor_label_new(uint8_t id, const char *name);

/* Releases a label from sensor_label_new. NULL is allowed and does nothing. */
void sensor_label_free(char *label);

/* How many labels sensor_label_new has returned and sensor_label_free has not yet released. */
size_t sensor_labels_live(void);

/* A visitor: receives the caller's context pointer and one value. */
typedef void (*sensor_visit_fn)(void *context, uint32_t value);

/* Calls visit(context, v) for each v in values[0..len) with v > threshold, in order, and
 * returns how many it visited. `values` may be NULL only when `len` is 0. */
size_t sensor_for_each_above(const uint32_t *values, size_t len, uint32_t threshold,
                             sensor_visit_fn visit, void *context);

#endif
