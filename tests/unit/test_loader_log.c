/* test_loader_log.c: what goes to stderr besides the kernel log. When stderr is /dev/console
 * (PID 1, dracut's shell init) the kernel already prints the records below console_loglevel
 * there: writing them again would show each line twice and slow every module down on a serial
 * console. */
#include "kmsg.h"
#include "test.h"

TEST(console_levels)
{
	ASSERT_TRUE(log_console_shows(LEVEL_INFO, "7\t4\t1\t7\n"),
		    "console_loglevel 7: the kernel prints info lines, not debug ones");
	ASSERT_FALSE(log_console_shows(LEVEL_DEBUG, "7\t4\t1\t7\n"),
		     "console_loglevel 7: the kernel prints info lines, not debug ones");
	ASSERT_TRUE(log_console_shows(LEVEL_ERR, "4\t4\t1\t7\n"),
		    "quiet (console_loglevel 4): only errors; warnings and info go to stderr");
	ASSERT_FALSE(log_console_shows(LEVEL_WARNING, "4\t4\t1\t7\n"),
		     "quiet (console_loglevel 4): only errors; warnings and info go to stderr");
	ASSERT_FALSE(log_console_shows(LEVEL_INFO, "4\t4\t1\t7\n"),
		     "quiet (console_loglevel 4): only errors; warnings and info go to stderr");
	ASSERT_TRUE(log_console_shows(LEVEL_DEBUG, "10 4 1 7"),
		    "console_loglevel 10 (ignore_loglevel)");
	ASSERT_FALSE(log_console_shows(LEVEL_ERR, ""),
		     "unknown console_loglevel: everything also goes to stderr");
	ASSERT_FALSE(log_console_shows(LEVEL_ERR, "x"),
		     "unknown console_loglevel: everything also goes to stderr");
	ASSERT_FALSE(log_console_shows(LEVEL_ERR, NULL),
		     "unknown console_loglevel: everything also goes to stderr");
}
