/* sha256.h: SHA-256 (FIPS 180-4) in plain C (sha256.c), for the script digests of the cache
 * and the member digests of prebuilt packs: the service links no crypto library. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32
#define SHA256_HEX_SIZE (2 * SHA256_DIGEST_SIZE + 1) /* lower-case hex and the NUL */

struct sha256_ctx {
	uint32_t h[8];
	uint64_t length; /* bytes hashed so far */
	unsigned char block[64];
	size_t used; /* bytes of block filled */
};

/* Starts a digest. */
void sha256_init(struct sha256_ctx *c);
/* Hashes len more bytes of data (any split gives the same digest). */
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
/* Finishes the digest into out; c must be initialized again before reuse. */
void sha256_final(struct sha256_ctx *c, unsigned char out[SHA256_DIGEST_SIZE]);
/* The digest of data in lower-case hex, NUL-terminated. */
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_SIZE]);
/* A digest in lower-case hex, NUL-terminated. */
void sha256_to_hex(const unsigned char digest[SHA256_DIGEST_SIZE], char out[SHA256_HEX_SIZE]);
/* True when s is 64 lower-case hex digits (a digest as written by sha256_to_hex). */
int sha256_hex_valid(const char *s);
/* The digest of the regular file at path (opened without following links), read in pieces.
 * 0 and out, or -errno (-ENOTREGULAR, see fileio.h). Does not log. */
int sha256_file(const char *path, char out[SHA256_HEX_SIZE]);
