/* fuzz_epm_tower.c - libFuzzer harness: the whole input is one tower octet string.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>

#include "epm_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    exmta_tower_t tw;
    exmta_tower_status_t st = exmta_tower_parse(data, size, &tw);

    if (exmta_tower_status_str(st) == NULL)
        abort();
    if (st == EXMTA_TOWER_OK) {
        char s[37];
        /* An accepted tower has 1..MAX floors and needed at least floor 1. */
        if (tw.num_floors == 0 || tw.num_floors > EXMTA_TOWER_MAX_FLOORS || size < 2 + 4 + 19 + 2)
            abort();
        exmta_uuid_to_string(&tw.iface, s);
        if (s[36] != '\0')
            abort();
    }
    return 0;
}
