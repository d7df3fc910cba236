/* config_write.h: writing KEY=value lines that config_parse_text reads back to the same
 * value (config_write.c): the cache's NAME.opts, the stap version memo, script configs. */
#pragma once
#include <stdio.h>

/* Writes "KEY='value'\n" to f, a ' inside the value written as '"'"'. 0, or -EINVAL for a
 * value holding a line break (nothing written then). */
int config_write_assign(FILE *f, const char *key, const char *value);
