#!/usr/bin/python3
"""Near-miss generator for measuring TPKT/COTP heuristic false positives.

Usage: gen_nearmiss.py OUT.pcap N SEED

Writes N TCP sessions (three-way handshake + one client data segment each)
between 192.0.2.10 and 192.0.2.20 on pseudo-random high ports.  Every data
segment starts with a *valid* TPKT header (03 00 + big-endian length equal to
the payload length) followed by random octets.  Output depends only on N and
SEED (Python's random.Random, Mersenne Twister), so it is reproducible.

Ports avoid every port that stock Wireshark 4.0 registers for TCP (server
ports 35000-43999, client ports 49152-65535 except 57000), so whatever looks
at the payload is a heuristic, not a port table entry.
"""

import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_x400_pcaps import ACK, PSH, Capture, Flow, endpoints  # noqa: E402

MIN_LEN = 7        # TPKT header + 3 octets (the smallest a COTP DT could be)
MAX_LEN = 1460     # one MSS


def generate(n, seed):
    rng = random.Random(seed)
    cap = Capture()
    client, server = endpoints()
    used = set()
    for i in range(n):
        while True:
            cport = rng.randrange(49152, 65536)
            sport = rng.randrange(35000, 44000)
            if cport != 57000 and (cport, sport) not in used:
                used.add((cport, sport))
                break
        length = rng.randrange(MIN_LEN, MAX_LEN + 1)
        body = bytes(rng.getrandbits(8) for _ in range(length - 4))
        payload = bytes([3, 0, length >> 8, length & 0xFF]) + body
        flow = Flow(cap, client, server, cport, sport,
                    rng.getrandbits(32), rng.getrandbits(32))
        flow.handshake(delay=0 if i == 0 else 10000)
        flow.pkt(True, ACK | PSH, payload, delay=150)
    return cap


def main(argv):
    if len(argv) != 4:
        sys.stderr.write("usage: gen_nearmiss.py OUT.pcap N SEED\n")
        return 2
    out, n, seed = argv[1], int(argv[2]), int(argv[3])
    generate(n, seed).write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
