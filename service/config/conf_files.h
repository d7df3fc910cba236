/* conf_files.h: the *.conf files of CONFIG_PATH (conf_files.c). */
#pragma once

/* The *.conf files of dir (full paths) in C-locale order, as the shell's glob sorts them, dot
 * files excluded; a missing dir gives none. 0 and *ret (a NULL-terminated strv), or -errno
 * after log_error naming the directory. */
int list_conf_files(const char *dir, char ***ret);
