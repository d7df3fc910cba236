/* test_svc_sha256.c: SHA-256 (sha256.c) against the FIPS 180-2 example messages, the lengths
 * around each padding boundary, any split of the input, and whole files. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "macro.h"
#include "sha256.h"
#include "test.h"
#include "tempfile.h"

struct vector {
	const char *what;
	size_t repeat; /* the text repeated this many times */
	const char *text;
	const char *hex;
};

static const struct vector vectors[] = {
    {"empty message", 1, "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"\"abc\" (FIPS 180-2 B.1)", 1, "abc",
     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"448-bit message (FIPS 180-2 B.2)", 1,
     "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {"896-bit message", 1,
     "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopq"
     "rlmnopqrsmnopqrstnopqrstu",
     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
    {"one million 'a' (FIPS 180-2 B.3)", 1000000, "a",
     "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
    {"55 'a': the length still fits the first block", 55, "a",
     "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
    {"56 'a': padding needs a second block", 56, "a",
     "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
    {"63 'a'", 63, "a", "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
    {"64 'a': exactly one block", 64, "a",
     "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
    {"65 'a'", 65, "a", "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
    {"119 'a'", 119, "a", "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"},
    {"120 'a'", 120, "a", "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"},
};

/* The message of v, newly allocated. */
static char *message(const struct vector *v, size_t *len)
{
	size_t one = strlen(v->text);
	char *m = malloc(one * v->repeat + 1);

	if (!m)
		abort();
	for (size_t i = 0; i < v->repeat; i++)
		memcpy(m + i * one, v->text, one);
	*len = one * v->repeat;
	m[*len] = '\0';
	return m;
}

/* The digest of data fed in pieces of step bytes. */
static void hex_in_steps(const char *data, size_t len, size_t step, char out[SHA256_HEX_SIZE])
{
	struct sha256_ctx c;
	unsigned char d[SHA256_DIGEST_SIZE];

	sha256_init(&c);
	for (size_t off = 0; off < len; off += step)
		sha256_update(&c, data + off, len - off < step ? len - off : step);
	sha256_final(&c, d);
	sha256_to_hex(d, out);
}

TEST(vectors)
{
	static const size_t steps[] = {1, 3, 55, 63, 64, 65, 4096};

	for (size_t i = 0; i < ELEMENTSOF(vectors); i++) {
		const struct vector *v = &vectors[i];
		char hex[SHA256_HEX_SIZE];
		size_t len;
		char *m = message(v, &len);
		bool same = true;

		sha256_hex(m, len, hex);
		ASSERT_STREQ(hex, v->hex, "%s", v->what);
		for (size_t k = 0; k < ELEMENTSOF(steps) && (len < 5000 || steps[k] > 50); k++) {
			hex_in_steps(m, len, steps[k], hex);
			same = same && streq(hex, v->hex);
		}
		ASSERT_TRUE(same, "%s: the same digest however the input is split", v->what);
		free(m);
	}
}

TEST(hex_valid)
{
	ASSERT_TRUE(sha256_hex_valid(vectors[0].hex), "a digest is 64 lower-case hex digits");
	ASSERT_FALSE(
	    sha256_hex_valid("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"),
	    "upper case is not how digests are written");
	ASSERT_FALSE(sha256_hex_valid("e3b0"), "short, empty and NULL are no digest");
	ASSERT_FALSE(sha256_hex_valid(""), "short, empty and NULL are no digest");
	ASSERT_FALSE(sha256_hex_valid(NULL), "short, empty and NULL are no digest");
	ASSERT_FALSE(
	    sha256_hex_valid("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8550"),
	    "65 digits are no digest");
}

TEST(file)
{
	char dir[] = "/tmp/test_svc_sha256.XXXXXX", hex[SHA256_HEX_SIZE];
	_cleanup_free_ char *f = NULL, *fifo = NULL, *big = NULL;
	size_t len;
	char *m;

	if (!mkdtemp(dir))
		abort();
	f = path_join(dir, "abc");
	fifo = path_join(dir, "fifo");
	big = path_join(dir, "big");
	ASSERT_EQ(write_file_atomic(f, "abc", 3, 0644), 0, "sha256_file of a file holding \"abc\"");
	ASSERT_EQ(sha256_file(f, hex), 0, "sha256_file of a file holding \"abc\"");
	ASSERT_STREQ(hex, vectors[1].hex, "sha256_file of a file holding \"abc\"");
	m = message(&vectors[4], &len);
	ASSERT_EQ(write_file_atomic(big, m, len, 0644), 0,
		  "sha256_file of a million 'a' (read in pieces)");
	ASSERT_EQ(sha256_file(big, hex), 0, "sha256_file of a million 'a' (read in pieces)");
	ASSERT_STREQ(hex, vectors[4].hex, "sha256_file of a million 'a' (read in pieces)");
	free(m);
	ASSERT_EQ(mkfifo(fifo, 0600), 0, "a FIFO is refused without blocking");
	ASSERT_EQ(sha256_file(fifo, hex), -ENOTREGULAR, "a FIFO is refused without blocking");
	ASSERT_EQ(sha256_file(dir, hex), -ENOTREGULAR, "a directory is refused");
	unlink(f);
	ASSERT_EQ(sha256_file(f, hex), -ENOENT, "a missing file is -ENOENT");
	rm_rf(dir);
}
