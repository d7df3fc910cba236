/* test.h: the unit tests' harness. A test program is a list of TEST(name) { ... } functions;
 * tests/unit/test.c is its main: it runs each test in a forked child (in its own process
 * group, with a fresh temp directory and a time limit), so a crash, a leak report or a hang
 * fails that test by name and the next one still runs. The program exits 0 when every test
 * passed, 1 otherwise (tests/runner.sh reads only that).
 *
 * The checks, ASSERT_*, are fatal for the test they are in: the first one that fails prints
 * file:line, the expression, the values and the optional message (printf-style), and ends
 * that test's child. Each check that runs is counted (the per-test line shows how many).
 *
 *   TEST(name) { ... }                    a test, run in the order of the file
 *   TEST_TIMEOUT(name, seconds) { ... }   one that may take longer than TEST_DEFAULT_TIMEOUT
 *   TEST_SETUP(fn); TEST_TEARDOWN(fn);    run once in the parent, before the first test and
 *                                         after the last: what they set up (globals, files)
 *                                         every child inherits
 *   test_tmpdir()                         the running test's own empty directory, removed
 *                                         after it (whatever it left there)
 *
 * `PROGRAM NAME...` runs only the named tests, `PROGRAM --list` names them;
 * TEST_TIMEOUT_FACTOR=N (tests/valgrind.sh) multiplies every time limit. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Seconds a test may run (before TEST_TIMEOUT_FACTOR). */
#define TEST_DEFAULT_TIMEOUT 30

struct test {
	const char *name;
	void (*fn)(void);
	const char *file;
	int line;
	unsigned timeout; /* seconds, 0: TEST_DEFAULT_TIMEOUT */
	struct test *next;
};

/* Adds t to the program's tests (called by TEST's constructor). */
void test_register(struct test *t);
/* Sets the once-per-program set-up or tear-down (TEST_SETUP, TEST_TEARDOWN). */
void test_register_fixture(void (*fn)(void), bool teardown);
/* The running test's temp directory (/tmp/PROGRAM.TEST.XXXXXX), removed after it; in
 * TEST_SETUP and TEST_TEARDOWN the program's (/tmp/PROGRAM.XXXXXX), removed after the last. */
const char *test_tmpdir(void);
/* TEST_TIMEOUT_FACTOR (1 when unset): how much slower than native the tests run (valgrind:
 * 10). For the bounds of checks on elapsed time that a slow run would break; the strict
 * bounds are kept by `make unit`. */
unsigned test_timeout_factor(void);

#define TEST_TIMEOUT(tname, seconds)                                                               \
	static void test_fn_##tname(void);                                                         \
	static struct test test_entry_##tname = {#tname,   test_fn_##tname, __FILE__,              \
						 __LINE__, seconds,	    NULL};                 \
	__attribute__((constructor)) static void test_reg_##tname(void)                            \
	{                                                                                          \
		test_register(&test_entry_##tname);                                                \
	}                                                                                          \
	static void test_fn_##tname(void)
#define TEST(tname) TEST_TIMEOUT(tname, 0)

#define TEST_SETUP(fn)                                                                             \
	__attribute__((constructor)) static void test_setup_reg_##fn(void)                         \
	{                                                                                          \
		test_register_fixture(fn, false);                                                  \
	}
#define TEST_TEARDOWN(fn)                                                                          \
	__attribute__((constructor)) static void test_teardown_reg_##fn(void)                      \
	{                                                                                          \
		test_register_fixture(fn, true);                                                   \
	}

/* ---- what the ASSERT_* macros call ------------------------------------------------------- */
/* Counts one check. */
void test_count(void);
/* Prints "FAIL file:line: what" and the values that follow (test_value_*), then the message. */
void test_fail_begin(const char *file, int line, const char *what);
void test_value_int(const char *label, bool is_signed, uintmax_t v);
void test_value_str(const char *label, const char *s);
__attribute__((format(printf, 1, 2))) void test_fail_message(const char *fmt, ...);
/* Ends the failed test (its child exits; in TEST_SETUP the program exits 2). */
__attribute__((noreturn)) void test_fail_end(void);
/* a OP b between two integers of any signedness, compared by value (-1 < 0u). */
bool test_int_cmp(bool a_signed, uintmax_t a, const char *op, bool b_signed, uintmax_t b);
/* a OP b when either side is floating (elapsed seconds): compared as long double. */
bool test_float_cmp(long double a, const char *op, long double b);
void test_value_float(const char *label, long double v);

#define TEST_SIGNED_(x) ((__typeof__(x))-1 < 1)
/* True for float, double, long double (not bool: (bool)0.5 is 1 too, but (bool)2 is 1); a
 * pointer does not compile (no cast from 0.5). */
#define TEST_FLOATING_(x) ((__typeof__(x))0.5 != 0 && (__typeof__(x))2 != 1)
#define TEST_MSG_(...) __VA_OPT__(test_fail_message(__VA_ARGS__))

/* ---- the checks ------------------------------------------------------------------------- */
#define ASSERT_TRUE(expr, ...)                                                                     \
	do {                                                                                       \
		test_count();                                                                      \
		if (!(expr)) {                                                                     \
			test_fail_begin(__FILE__, __LINE__, "ASSERT_TRUE(" #expr ")");             \
			TEST_MSG_(__VA_ARGS__);                                                    \
			test_fail_end();                                                           \
		}                                                                                  \
	} while (0)

#define ASSERT_FALSE(expr, ...)                                                                    \
	do {                                                                                       \
		test_count();                                                                      \
		if (expr) {                                                                        \
			test_fail_begin(__FILE__, __LINE__, "ASSERT_FALSE(" #expr ")");            \
			TEST_MSG_(__VA_ARGS__);                                                    \
			test_fail_end();                                                           \
		}                                                                                  \
	} while (0)

/* Numbers: integers of any width and signedness compared by value, or, when either side is
 * floating, both as long double; a pointer does not compile. */
#define TEST_CMP_(name, a, op, b, ...)                                                             \
	do {                                                                                       \
		__typeof__(a) test_a_ = (a);                                                       \
		__typeof__(b) test_b_ = (b);                                                       \
		bool test_fl_ = TEST_FLOATING_(test_a_) || TEST_FLOATING_(test_b_);                \
		test_count();                                                                      \
		if (test_fl_ ? !test_float_cmp((long double)test_a_, #op, (long double)test_b_)    \
			     : !test_int_cmp(TEST_SIGNED_(test_a_), (uintmax_t)test_a_, #op,       \
					     TEST_SIGNED_(test_b_), (uintmax_t)test_b_)) {         \
			test_fail_begin(__FILE__, __LINE__, name "(" #a ", " #b ")");              \
			if (test_fl_) {                                                            \
				test_value_float(#a, (long double)test_a_);                        \
				test_value_float(#b, (long double)test_b_);                        \
			} else {                                                                   \
				test_value_int(#a, TEST_SIGNED_(test_a_), (uintmax_t)test_a_);     \
				test_value_int(#b, TEST_SIGNED_(test_b_), (uintmax_t)test_b_);     \
			}                                                                          \
			TEST_MSG_(__VA_ARGS__);                                                    \
			test_fail_end();                                                           \
		}                                                                                  \
	} while (0)
#define ASSERT_EQ(a, b, ...) TEST_CMP_("ASSERT_EQ", a, ==, b __VA_OPT__(, ) __VA_ARGS__)
#define ASSERT_NE(a, b, ...) TEST_CMP_("ASSERT_NE", a, !=, b __VA_OPT__(, ) __VA_ARGS__)
#define ASSERT_LT(a, b, ...) TEST_CMP_("ASSERT_LT", a, <, b __VA_OPT__(, ) __VA_ARGS__)
#define ASSERT_LE(a, b, ...) TEST_CMP_("ASSERT_LE", a, <=, b __VA_OPT__(, ) __VA_ARGS__)
#define ASSERT_GT(a, b, ...) TEST_CMP_("ASSERT_GT", a, >, b __VA_OPT__(, ) __VA_ARGS__)
#define ASSERT_GE(a, b, ...) TEST_CMP_("ASSERT_GE", a, >=, b __VA_OPT__(, ) __VA_ARGS__)

/* expr >= 0 (the 0 / -errno convention); a failure shows the errno's text. */
#define ASSERT_OK(expr, ...)                                                                       \
	do {                                                                                       \
		intmax_t test_r_ = (expr);                                                         \
		test_count();                                                                      \
		if (test_r_ < 0) {                                                                 \
			test_fail_begin(__FILE__, __LINE__, "ASSERT_OK(" #expr ")");               \
			test_value_int(#expr, true, (uintmax_t)test_r_);                           \
			test_value_str("error", test_r_ >= -4095 ? strerror((int)-test_r_) : "?"); \
			TEST_MSG_(__VA_ARGS__);                                                    \
			test_fail_end();                                                           \
		}                                                                                  \
	} while (0)

#define ASSERT_NULL(p, ...)                                                                        \
	do {                                                                                       \
		const void *test_p_ = (p);                                                         \
		test_count();                                                                      \
		if (test_p_) {                                                                     \
			test_fail_begin(__FILE__, __LINE__, "ASSERT_NULL(" #p ")");                \
			TEST_MSG_(__VA_ARGS__);                                                    \
			test_fail_end();                                                           \
		}                                                                                  \
	} while (0)

#define ASSERT_NOT_NULL(p, ...)                                                                    \
	do {                                                                                       \
		const void *test_p_ = (p);                                                         \
		test_count();                                                                      \
		if (!test_p_) {                                                                    \
			test_fail_begin(__FILE__, __LINE__, "ASSERT_NOT_NULL(" #p ")");            \
			TEST_MSG_(__VA_ARGS__);                                                    \
			test_fail_end();                                                           \
		}                                                                                  \
	} while (0)

#define ASSERT_PTR_EQ(a, b, ...)                                                                   \
	do {                                                                                       \
		const void *test_a_ = (a), *test_b_ = (b);                                         \
		test_count();                                                                      \
		if (test_a_ != test_b_) {                                                          \
			test_fail_begin(__FILE__, __LINE__, "ASSERT_PTR_EQ(" #a ", " #b ")");      \
			TEST_MSG_(__VA_ARGS__);                                                    \
			test_fail_end();                                                           \
		}                                                                                  \
	} while (0)

/* Strings: NULL never matches. */
#define TEST_STR_(name, a, b, holds, ...)                                                          \
	do {                                                                                       \
		const char *test_a_ = (a), *test_b_ = (b);                                         \
		test_count();                                                                      \
		if (!(test_a_ && test_b_ && (holds))) {                                            \
			test_fail_begin(__FILE__, __LINE__, name "(" #a ", " #b ")");              \
			test_value_str(#a, test_a_);                                               \
			test_value_str(#b, test_b_);                                               \
			TEST_MSG_(__VA_ARGS__);                                                    \
			test_fail_end();                                                           \
		}                                                                                  \
	} while (0)
#define ASSERT_STREQ(a, b, ...)                                                                    \
	TEST_STR_("ASSERT_STREQ", a, b, strcmp(test_a_, test_b_) == 0 __VA_OPT__(, ) __VA_ARGS__)
#define ASSERT_STRNE(a, b, ...)                                                                    \
	TEST_STR_("ASSERT_STRNE", a, b, strcmp(test_a_, test_b_) != 0 __VA_OPT__(, ) __VA_ARGS__)
/* haystack holds needle / does not hold it. */
#define ASSERT_CONTAINS(haystack, needle, ...)                                                     \
	TEST_STR_("ASSERT_CONTAINS", haystack, needle,                                             \
		  strstr(test_a_, test_b_) != NULL __VA_OPT__(, ) __VA_ARGS__)
#define ASSERT_NOT_CONTAINS(haystack, needle, ...)                                                 \
	TEST_STR_("ASSERT_NOT_CONTAINS", haystack, needle,                                         \
		  strstr(test_a_, test_b_) == NULL __VA_OPT__(, ) __VA_ARGS__)
