/* test_loader_collect.c: a script's collector (collect.h) against the fake kernel: its output
 * kept in memory from the first record, handed over to a real directory fd over its real unix
 * socket (this test stands in for `systemtap-service onboot --save-log`), the section header,
 * no gap and no duplicate across the hand-over, what is lost beyond log_size counted and
 * marked, a late exit request, the state file. test_loader_collect_ops.c has the rest. */
#include "collect_test.h"

/* The whole path: records before and after the hand-over, then stop. */
static void test_hand_over(void)
{
	int logfd;
	pid_t pid;
	char *t, *st, where[4400];

	reset();
	snprintf(where, sizeof(where), "%s/col.bootlog", root);
	logfd = open(where, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	pid = start("col", 1 << 20, false, false, logfd);
	close(logfd);
	print_records(fk_find("col"), 1, 50);
	CHECK(state_has("col", "kept 1") && state_has("col", "module running\noutput memory\n"),
	      "before the hand-over: kept in memory, the state file says so");
	CHECK(save("col"), "save LOGDIR over the socket, with the directory's fd: ok");
	print_records(fk_find("col"), 51, 100);
	CHECK(state_has("col", "output file\n"), "state: output file");
	usleep(100000);
	kill(pid, SIGTERM);
	CHECK(end_of(pid) == 0, "SIGTERM: the collector ended the module and exited 0");
	t = file_text(logdir, "col", ".log");
	CHECK(strncmp(t, "-- stap-onboot: col: boot " BOOT_ID " kernel " FK_RELEASE, 44 + 36) ==
		      0 &&
		  strstr(strtok(strdup(t), "\n"), "armed 2023-11-14T22:13:20.123Z (2.345 s after "
						  "the kernel started)"),
	      "section header: boot id, kernel release, script, when it was armed:\n%.300s", t);
	CHECK(records_are(t, 100),
	      "records 1..100 each once, in order: no gap, no duplicate at the hand-over");
	CHECK(strstr(t, "\n-- stap-onboot: col: ended ") &&
		  strstr(t, "stopped (SIGTERM: systemtap-service stop), module unloaded\n"),
	      "closing line: stopped, module unloaded");
	free(t);
	st = file_text(rundir, "onboot.d/col", ".state");
	snprintf(where, sizeof(where), "file %s/col.log\n", logdir);
	CHECK(strstr(st, "module stopped\noutput done\n") && strstr(st, where) &&
		  strstr(st, "lost_bytes 0\n"),
	      "state at the end: stopped, done, the file, nothing lost:\n%s", st);
	free(st);
	snprintf(where, sizeof(where), "%s/onboot.d/col.sock", rundir);
	CHECK(access(where, F_OK) < 0, "its socket is gone");
	CHECK(lt_file_contains(kmsg, "<6>stap-early-loader: col: stopped (SIGTERM: "
				     "systemtap-service stop): ended and unloaded"),
	      "the kernel log says so");
	snprintf(where, sizeof(where), "%s/col.bootlog", root);
	CHECK(lt_file_contains(where, "col: its output goes to ") &&
		  lt_file_contains(where, "ended and unloaded"),
	      "its LOG_BOOT_ERR file has its messages");
}

/* More than log_size before the hand-over: the first records kept whole, the rest counted and
 * marked at the gap, the line cut by the gap not half written. */
static void test_lost(void)
{
	struct fk_module *m;
	pid_t pid;
	char *t, *st;

	reset();
	pid = start("small", 100, false, false, -1);
	m = fk_find("small");
	print_records(m, 1, 4); /* 8 + 3 * 24 = 80 bytes */
	fk_print(m, "5 exec 5 /usr/bin/prog5\n6 exec 6 /usr/bin/prog6\n7 par");
	CHECK(state_has("small", "lost_bytes 53\nlost_lines 2\n"),
	      "records 5 and 6 and the start of 7 (53 bytes, 2 whole lines) counted as lost");
	CHECK(lt_file_contains(kmsg, "<4>stap-early-loader: small: more than 100 bytes of output "
				     "before its file was opened (ONBOOT_LOG_SIZE)"),
	      "warned once in the kernel log");
	CHECK(save("small"), "saved");
	fk_print(m, "tial\n8 exec 1 /usr/bin/prog8\n");
	usleep(100000);
	kill(pid, SIGTERM);
	CHECK(end_of(pid) == 0, "stopped");
	t = file_text(logdir, "small", ".log");
	CHECK(strstr(t, "\n4 exec 4 /usr/bin/prog4\n-- stap-onboot: small: 58 bytes (3 lines) of "
			"output lost here: more than ONBOOT_LOG_SIZE came before the log directory "
			"was given\n8 exec 1 /usr/bin/prog8\n"),
	      "the file: 1..4 whole, the gap marked (the rest of record 7 too: 58 bytes, 3 "
	      "lines), then 8:\n%s",
	      t);
	CHECK(!strstr(t, "tial"), "no half line after the gap");
	free(t);
	st = file_text(rundir, "onboot.d/small", ".state");
	CHECK(strstr(st, "lost_bytes 58\nlost_lines 3\n") != NULL, "the state keeps the count");
	free(st);
}

/* exit() in a probe long after the start: the collector ends and unloads the module, keeps
 * its output until it is given its file, writes it and ends. */
static void test_late_exit(void)
{
	struct fk_module *m;
	pid_t pid;
	char *t;

	reset();
	pid = start("late", 1 << 20, false, false, -1);
	m = fk_find("late");
	print_records(m, 1, 3);
	usleep(50000);
	fk_queue(m, CTL_REQUEST_EXIT, NULL, 0);
	CHECK(state_has("late", "module exited\noutput memory\n"),
	      "STP_REQUEST_EXIT: ended (STP_EXIT, unloaded), its output still in memory");
	CHECK(lt_file_contains(kmsg, "late: the script asked to exit: ended and unloaded"),
	      "logged: ended and unloaded");
	CHECK(save("late"), "then the save");
	CHECK(end_of(pid) == 0, "the collector ends once the output is in the file");
	t = file_text(logdir, "late", ".log");
	CHECK(records_are(t, 3) && strstr(t, "the script asked to exit, module unloaded\n"),
	      "its file: records 1..3, then the end:\n%s", t);
	free(t);

	/* exit() in a begin probe: the loader saw the request at the reply (--exit). */
	reset();
	pid = start("quick", 1 << 20, false, true, -1);
	CHECK(state_has("quick", "module exited\n"), "--exit: ended at once");
	CHECK(save("quick") && end_of(pid) == 0, "saved, ended");
}

int main(void)
{
	collect_test_begin();
	test_hand_over();
	test_lost();
	test_late_exit();
	return collect_test_end();
}
