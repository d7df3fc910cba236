/* test_svc_efi_siglist.c: the EFI signature list parser on hand-built lists holding real DER
 * certificates (made by openssl): one entry, several entries and lists, a list header of its
 * own, lists cut short and every size the kernel's parser refuses. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efi_siglist.h"
#include "macro.h"
#include "sb_certs_fixture.h"
#include "test.h"
#include "tempfile.h"

static const uint8_t sha256_guid[EFI_GUID_SIZE] = {0x26, 0x16, 0xc4, 0xc1, 0x4c, 0x50, 0x92, 0x40,
						   0xac, 0xa9, 0x41, 0xf9, 0x36, 0x93, 0x43, 0x28};

/* The number of signatures read before the end (0) or an error (*ret_r). */
static size_t count(const struct sb_buf *b, int *ret_r)
{
	struct efi_siglist_iter it;
	struct efi_sig sig;
	size_t n = 0;
	int r;

	efi_siglist_begin(&it, b->data, b->len);
	while ((r = efi_siglist_next(&it, &sig)) > 0) {
		ASSERT_TRUE(sig.data >= b->data, "signature %zu lies inside the buffer", n);
		ASSERT_TRUE(sig.data + sig.len <= b->data + b->len,
			    "signature %zu lies inside the buffer", n);
		ASSERT_PTR_EQ(sig.owner + EFI_GUID_SIZE, sig.data,
			      "signature %zu lies inside the buffer", n);
		n++;
	}
	*ret_r = r;
	return n;
}

TEST(empty)
{
	struct sb_buf b = {.len = 0};
	int r;

	ASSERT_EQ(count(&b, &r), 0, "an empty database: no signatures, no error");
	ASSERT_EQ(r, 0, "an empty database: no signatures, no error");
	ASSERT_EQ(efi_siglist_has_x509(b.data, 0, der_a, len_a), 0, "an empty database lacks a");
	ASSERT_EQ(efi_siglist_has_x509(NULL, 0, der_a, len_a), 0, "no database lacks a");
}

TEST(one)
{
	struct sb_buf b = {.len = 0};
	struct efi_siglist_iter it;
	struct efi_sig sig;

	sb_x509(&b, der_a, len_a);
	efi_siglist_begin(&it, b.data, b.len);
	ASSERT_EQ(efi_siglist_next(&it, &sig), 1, "one X.509 entry");
	ASSERT_EQ(memcmp(sig.type, efi_cert_x509_guid, EFI_GUID_SIZE), 0, "of the X.509 type");
	ASSERT_EQ(sig.owner[0], 0x11, "owner, then the certificate byte for byte (%zu bytes)",
		  sig.len);
	ASSERT_EQ(sig.len, len_a, "owner, then the certificate byte for byte (%zu bytes)", sig.len);
	ASSERT_EQ(memcmp(sig.data, der_a, len_a), 0,
		  "owner, then the certificate byte for byte (%zu bytes)", sig.len);
	ASSERT_EQ(efi_siglist_next(&it, &sig), 0, "then the end");
	ASSERT_EQ(efi_siglist_has_x509(b.data, b.len, der_a, len_a), 1, "a is in it");
	ASSERT_EQ(efi_siglist_has_x509(b.data, b.len, der_b, len_b), 0, "b is not");
	ASSERT_EQ(efi_siglist_has_x509(b.data, b.len, der_a, len_a - 1), 0,
		  "a prefix of a is not a");
}

TEST(several)
{
	struct sb_buf b = {.len = 0};
	uint8_t h1[32], h2[32], h3[32];
	const void *hashes[] = {h1, h2, h3};
	int r;

	memset(h1, 1, sizeof(h1));
	memset(h2, 2, sizeof(h2));
	memset(h3, 3, sizeof(h3));
	sb_list(&b, sha256_guid, 0, hashes, 3, 32); /* shim's vendor hashes come like this */
	sb_x509(&b, der_b, len_b);
	sb_x509(&b, der_a, len_a);
	ASSERT_EQ(count(&b, &r), 5, "three hashes and two certificates: five entries");
	ASSERT_EQ(r, 0, "three hashes and two certificates: five entries");
	ASSERT_EQ(efi_siglist_has_x509(b.data, b.len, der_a, len_a), 1,
		  "a found in the third list");
	ASSERT_EQ(efi_siglist_has_x509(b.data, b.len, der_b, len_b), 1, "b found in the second");
	{
		/* A hash list whose entries happen to hold a's bytes is not an X.509 list. */
		struct sb_buf c = {.len = 0};
		const void *one[] = {der_a};

		sb_list(&c, sha256_guid, 0, one, 1, len_a);
		ASSERT_EQ(efi_siglist_has_x509(c.data, c.len, der_a, len_a), 0,
			  "a's bytes under another type are not a");
	}
	{
		/* Two signatures of one size in one list (SignatureSize shared): a with its last
		 * byte changed, then a. */
		struct sb_buf c = {.len = 0};
		char *other = malloc(len_a);
		const void *two[] = {other, der_a};

		memcpy(other, der_a, len_a);
		other[len_a - 1] ^= 1;
		sb_list(&c, efi_cert_x509_guid, 0, two, 2, len_a);
		ASSERT_EQ(efi_siglist_has_x509(c.data, c.len, der_a, len_a), 1,
			  "the second signature of one list");
		ASSERT_EQ(efi_siglist_has_x509(c.data, c.len, other, len_a), 1, "and the first");
		c.len -= len_a;
		ASSERT_EQ(efi_siglist_has_x509(c.data, c.len, der_a, len_a), -EBADMSG,
			  "the list cut before its second signature: -EBADMSG");
		free(other);
	}
}

TEST(header)
{
	struct sb_buf b = {.len = 0};
	const void *one[] = {der_a};
	struct efi_siglist_iter it;
	struct efi_sig sig;

	sb_list(&b, efi_cert_x509_guid, 12, one, 1, len_a);
	efi_siglist_begin(&it, b.data, b.len);
	ASSERT_EQ(efi_siglist_next(&it, &sig), 1, "a SignatureHeader of 12 bytes is skipped");
	ASSERT_PTR_EQ(sig.data, b.data + 28 + 12 + EFI_GUID_SIZE,
		      "a SignatureHeader of 12 bytes is skipped");
	ASSERT_EQ(efi_siglist_has_x509(b.data, b.len, der_a, len_a), 1, "a found after it");
}

/* Rewrites the u32 at off of a one-list database of a and checks that it is refused. */
static void refused(size_t off, uint32_t v, const char *what)
{
	struct sb_buf b = {.len = 0};
	int r;

	sb_x509(&b, der_a, len_a);
	b.data[off] = v & 0xff;
	b.data[off + 1] = v >> 8 & 0xff;
	b.data[off + 2] = v >> 16 & 0xff;
	b.data[off + 3] = v >> 24 & 0xff;
	ASSERT_EQ(count(&b, &r), 0, "%s: -EBADMSG", what);
	ASSERT_EQ(r, -EBADMSG, "%s: -EBADMSG", what);
	ASSERT_EQ(efi_siglist_has_x509(b.data, b.len, der_a, len_a), -EBADMSG, "%s: a is not found",
		  what);
}

TEST(bad_sizes)
{
	const uint32_t list = (uint32_t)(28 + 16 + len_a);
	struct sb_buf b = {.len = 0};
	int r;

	refused(16, 27, "SignatureListSize below the 28-byte header");
	refused(16, list + 1, "SignatureListSize past the end");
	refused(16, 0xffffffff, "SignatureListSize 0xffffffff");
	refused(20, (uint32_t)(16 + len_a + 1), "SignatureHeaderSize past the list");
	refused(20, 0xfffffff0, "SignatureHeaderSize 0xfffffff0");
	refused(24, 15, "SignatureSize below the owner GUID");
	refused(24, 0, "SignatureSize 0");
	refused(24, (uint32_t)(16 + len_a - 1), "signatures that do not fill the list");
	refused(24, (uint32_t)(16 + len_a + 1), "a SignatureSize larger than the list's body");
	refused(16, 28, "a list without any signature");

	sb_x509(&b, der_a, len_a);
	b.len--;
	ASSERT_EQ(count(&b, &r), 0, "a list cut short by one byte: -EBADMSG");
	ASSERT_EQ(r, -EBADMSG, "a list cut short by one byte: -EBADMSG");
	b.len = 27;
	ASSERT_EQ(count(&b, &r), 0, "a header cut short: -EBADMSG");
	ASSERT_EQ(r, -EBADMSG, "a header cut short: -EBADMSG");

	b.len = 0;
	sb_x509(&b, der_a, len_a);
	sb_x509(&b, der_b, len_b);
	b.len -= 10;
	ASSERT_EQ(count(&b, &r), 1, "a sound list, then a cut one: the first entry, then -EBADMSG");
	ASSERT_EQ(r, -EBADMSG, "a sound list, then a cut one: the first entry, then -EBADMSG");
	ASSERT_EQ(efi_siglist_has_x509(b.data, b.len, der_a, len_a), 1,
		  "a is found before the broken list (the kernel loads it too)");
	ASSERT_EQ(efi_siglist_has_x509(b.data, b.len, der_b, len_b), -EBADMSG,
		  "b in the broken list: -EBADMSG");

	b.len = 0;
	sb_x509(&b, der_a, len_a);
	sb_put(&b, "trailing", 8);
	ASSERT_EQ(count(&b, &r), 1, "8 bytes of garbage after a list: -EBADMSG");
	ASSERT_EQ(r, -EBADMSG, "8 bytes of garbage after a list: -EBADMSG");
	{
		/* SignatureSize 16: signatures of no data are sound. */
		struct sb_buf c = {.len = 0};
		const void *none[] = {"", ""};
		struct efi_siglist_iter it;
		struct efi_sig sig;

		sb_list(&c, sha256_guid, 0, none, 2, 0);
		efi_siglist_begin(&it, c.data, c.len);
		ASSERT_EQ(efi_siglist_next(&it, &sig), 1, "two signatures of only an owner");
		ASSERT_EQ(sig.len, 0, "two signatures of only an owner");
		ASSERT_EQ(efi_siglist_next(&it, &sig), 1, "two signatures of only an owner");
		ASSERT_EQ(efi_siglist_next(&it, &sig), 0, "two signatures of only an owner");
	}
}
