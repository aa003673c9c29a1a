/* sha256: SHA-256 (FIPS 180-4) of bytes in memory, for recognising files by
 * content: objects trusted by hash, denied programs under any name. */
#ifndef PYSBX_SHA256_H
#define PYSBX_SHA256_H

#include <stddef.h>
#include <stdint.h>

void sha256(const void *data, size_t len, uint8_t out[32]);

#endif
