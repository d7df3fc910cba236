/* strv.h: NULL-terminated string vectors (char **) with one owner. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

/* Number of entries before the terminating NULL (0 for a NULL vector). */
size_t strv_length(char *const *v);
/* Appends a copy of s; returns 0 or -ENOMEM. *v may be NULL (an empty vector). */
int strv_push(char ***v, const char *s);
/* Appends s itself (takes ownership, also on failure); returns 0 or -ENOMEM. */
int strv_consume(char ***v, char *s);
/* Appends copies of every entry of add; returns 0 or -ENOMEM. */
int strv_extend(char ***v, char *const *add);
/* True when v holds a string equal to s. */
bool strv_contains(char *const *v, const char *s);
/* Newly allocated join of v with sep ("" for an empty vector); NULL on ENOMEM. */
char *strv_join(char *const *v, const char *sep);
/* Splits s on runs of blanks (space, tab, newline); returns 0 or -ENOMEM. */
int strv_split_blanks(const char *s, char ***ret);
/* Frees every entry and the vector; returns NULL. */
char **strv_free(char **v);
void strv_freep(char ***v);
#define _cleanup_strv_free_ __attribute__((cleanup(strv_freep)))
/* Sorts a vector in C-locale order. */
void strv_sort(char **v);
