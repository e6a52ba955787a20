/* libsensor: see sensor.h for the contract of each function. */
#include "sensor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Updated with atomic built-ins because Rust's test harness calls in from several threads. */
static size_t labels_live = 0;

uint32_t sensor_checksum(const uint8_t *data, size_t len) {
    uint32_t low = 0, high = 0;
    for (size_t i = 0; i < len; i++) {
        low = (low + data[i]) % 65521u;
        high = (high + low) % 65521u;
    }
    return (high << 16) | low;
}

uint64_t sensor_encode(const struct sensor_reading *reading) {
    return ((uint64_t)reading->sensor << 40) | ((uint64_t)reading->value << 8) |
           (uint64_t)reading->flags;
}

char *sensor_label_new(uint8_t id, const char *name) {
    size_t size = strlen(name) + sizeof("sensor 255: ");
    char *label = malloc(size);
    if (label == NULL) {
        return NULL;
    }
    snprintf(label, size, "sensor %u: %s", (unsigned)id, name);
    __atomic_add_fetch(&labels_live, 1, __ATOMIC_SEQ_CST);
    return label;
}

void sensor_label_free(char *label) {
    if (label == NULL) {
        return;
    }
    /* Scribble over the text first, so a use after free reads garbage rather than the old label. */
    memset(label, '#', strlen(label));
    free(label);
    __atomic_sub_fetch(&labels_live, 1, __ATOMIC_SEQ_CST);
}

size_t sensor_labels_live(void) {
    return __atomic_load_n(&labels_live, __ATOMIC_SEQ_CST);
}

size_t sensor_for_each_above(const uint32_t *values, size_t len, uint32_t threshold,
                             sensor_visit_fn visit, void *context) {
    size_t visited = 0;
    for (size_t i = 0; i < len; i++) {
        if (values[i] > threshold) {
            visit(context, values[i]);
            visited++;
        }
    }
    return visited;
}
