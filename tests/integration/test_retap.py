"""The Statistics tables of a file that was opened first and asked about
afterwards: the GUI's path, and the one tshark never takes.

tshark registers its -z listeners before it reads a file, so its only pass
has a listener. The GUI opens a file with none (Statistics tables are opened
later), then retaps it: a pass over frames that were already dissected. exmta
decides what it can on the first pass and leaves the names of a COTP CR, a
session CONNECT or ACCEPT unread until a pass that can show them
(read_pending_names in packet-exmta.c); on the GUI's path the retap is that
pass. sharkd opens and retaps exactly as the GUI does (cf_read, then
sharkd_retap with the listeners of a "tap" request), so every capture is
loaded into a sharkd of its own, its three tables are read through nstat: and
compared, cell by cell, with what tshark's single pass prints for the same
table (-z exmta,endpoints|associations|messages,csv).

One sharkd per capture, not one for all: stock's RTSE keeps the application
protocol of the last X.410-mode association in a static (app_proto in
packet-rtse.c, never reset), so in one process a capture opened after
x400-x410-mode.pcap decodes its MTA bind without ROS, stock and exmta alike.

A table cell is what the CSV says, but for the table's own forms: an empty
numeric cell is 0 and a duration is a float (the CSV prints %.6f).
"""
import csv
import io
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import exmta_it as it  # noqa: E402

# nstat table -> the tshark -z report with the same rows, and its CSV header's first column
TABLES = (
    ("exmta,table", "exmta,endpoints", "host"),
    ("exmta,associations_table", "exmta,associations", "assoc"),
    ("exmta,messages_table", "exmta,messages", "frame"),
)


def captures():
    out = sorted(it.sample(f) for f in os.listdir(it.SAMPLES) if f.endswith(".pcap"))
    if os.path.isdir(it.SHARED):
        wiki = os.path.join(it.SHARED, "wiki")
        out += sorted(os.path.join(wiki, f) for f in os.listdir(wiki))
    return out


def csv_reports(pcap):
    """{report: [row, ...]} of one tshark pass with every report's CSV."""
    args = ["-r", pcap, "-q"]
    for _table, report, _first in TABLES:
        args += ["-z", report + ",csv"]
    text = it.tshark(args)
    starts = {first: report for _table, report, first in TABLES}
    out, cur = {}, None
    for row in csv.reader(io.StringIO(text)):
        if row and row[0] in starts and cur != starts[row[0]]:
            cur = starts[row[0]]
            out[cur] = []
        elif cur is not None:
            out[cur].append(row)
    missing = [r for _t, r, _f in TABLES if r not in out]
    if missing:
        raise AssertionError("tshark printed no %s for %s:\n%s" % (", ".join(missing), pcap, text))
    return out


def cell_as_csv(v):
    """A table cell as the CSV prints it."""
    if isinstance(v, bool):
        raise AssertionError("unexpected boolean cell %r" % v)
    if isinstance(v, float):
        return "%.6f" % v
    return str(v)


def same_row(table_row, csv_row):
    if len(table_row) != len(csv_row):
        return False
    for t, c in zip(table_row, csv_row):
        if cell_as_csv(t) != c and not (c == "" and isinstance(t, int) and t == 0):
            return False
    return True


@unittest.skipUnless(shutil.which("sharkd"), "sharkd is not installed")
class TablesAfterOpen(unittest.TestCase):
    """Open, then tap: every table of every capture equals tshark's single pass."""

    @classmethod
    def setUpClass(cls):
        it.require_plugin()
        cls.results = {}
        cls.err = {}
        taps = {"tap%d" % i: "nstat:" + t for i, (t, _r, _f) in enumerate(TABLES)}
        for pcap in captures():
            sharkd = it.Sharkd()
            try:
                sharkd.load(pcap)
                cls.results[pcap] = sharkd.call("tap", **taps)
            finally:
                cls.err[pcap] = sharkd.close()

    def table_tap(self, pcap, table):
        r = self.results[pcap]
        self.assertIn("result", r, "sharkd refused the tap of %s: %s" % (pcap, r))
        for t in r["result"]["taps"]:
            if t["tap"] == "nstat:" + table:
                self.assertEqual(len(t["tables"]), 1, t)
                return t
        self.fail("sharkd has no nstat:%s for %s (is the table registered with the protocol?): %s"
                  % (table, pcap, r))

    def table_rows(self, pcap, table):
        return self.table_tap(pcap, table)["tables"][0]["i"]

    def test_every_table_of_every_capture(self):
        nonempty = {t: 0 for t, _r, _f in TABLES}
        for pcap in sorted(self.results):
            reports = csv_reports(pcap)
            for table, report, _first in TABLES:
                with self.subTest(capture=os.path.basename(pcap), table=table):
                    rows = self.table_rows(pcap, table)
                    want = reports[report]
                    self.assertEqual(len(rows), len(want), "rows: %r\nCSV: %r" % (rows, want))
                    for t, c in zip(rows, want):
                        self.assertTrue(same_row(t, c), "retapped %r\nsingle pass %r" % (t, c))
                    nonempty[table] += bool(rows)
        # the comparison sees rows of every table, not only empty ones
        for table, n in nonempty.items():
            self.assertGreater(n, 3, "%s: only %d captures have rows" % (table, n))

    def test_deferred_names_are_in_the_retapped_rows(self):
        """The names the first pass of an open leaves unread (a CR's TSAPs, a
        CONNECT's and an ACCEPT's) are in the rows, as tshark reads them."""
        tap = self.table_tap(it.sample("x400-two-associations.pcap"), "exmta,associations_table")
        rows = tap["tables"][0]["i"]
        names = [f["c"] for f in tap["fields"]]
        cols = ["calling TSAP", "called TSAP", "calling SSAP", "called SSAP", "calling PSAP", "called PSAP",
                "initiator", "responder"]
        got = [[row[names.index(c)] for c in cols] for row in rows]
        self.assertEqual(got, [
            ["MTA-A", "X400", "532d41", "532d42", "502d41", "502d42", "EXCH-MTA-A", "EXCH-MTA-B"],
            # the second association on the same connection has no CR of its own
            ["", "", "532d41", "532d42", "502d41", "502d42", "EXCH-MTA-A", "EXCH-MTA-B"],
        ])

    def test_sharkd_said_nothing_else(self):
        """sharkd's own lines on stderr, and nothing from the plugin."""
        own = ("Hello in child.", "load: filename=", "sharkd_session_process_tap() count=")
        for pcap, err in self.err.items():
            other = [line for line in err.splitlines() if line.strip() and not line.startswith(own)]
            self.assertEqual(other, [], pcap)


if __name__ == "__main__":
    unittest.main()
