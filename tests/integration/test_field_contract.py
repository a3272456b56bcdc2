"""The public exmta.* fields, table-driven from README.md, on every capture.

A display filter is how people use the fields: the GUI's filter bar, or
`tshark -Y FIELD` without -V. There tshark builds a tree in which items that
nobody asked for are faked, so whatever exmta reads back from the tree is
missing unless the filter asked for it. Every check here is generated from
the field list, so a new field is covered without writing a test:

1. README's "Fields" and "Expert information" tables name exactly the exmta.*
   fields the plugin registers (`tshark -G fields`), with the README's types.
2. In every mode (one pass, -2; without and with the -z exmta,endpoints and
   exmta,sessions taps), the frames `-Y FIELD` selects (plain summary output:
   the tree is not printed, as in the GUI) are the frames where
   `-T fields -e FIELD` is non-empty and the frames where the PDML tree
   holds FIELD (the PDML of the same pass without taps). A filter that
   names one field asks exmta for less than one that names them all (what
   a field shows may need a read that another field asks for), so each
   field also gets a run of its own, one pass and -2, on the project's
   samples concatenated into one file, and on the shared wiki captures
   concatenated into another.
3. -z exmta,endpoints and -z exmta,sessions (text and json) print the same
   rows with a -Y filter on exmta's fields, with -T fields and with -V as
   with -q alone.
4. With exmta's own protocols removed, frame.protocols is stock's, one pass
   and -2, with and without tcp.try_heuristic_first.
5. An exmta item with bytes (size > 0 in PDML) points at its own frame, and
   those bytes (read from the capture file itself when it is a classic
   pcap) are its value. Items whose subject is not in the frame's own
   bytes (e.g. in a reassembled buffer, whose PDML pos cannot name its data
   source) must be generated items of size 0.
6. One pass and -2 give the same values of every exmta field, and the
   taps change none.

Cost: tshark's start-up (about 0.6 s of CPU) dominates, so each capture gets
one PDML run and one -T fields run per mode, which give every field at once.
`-T fields` prints the tree, so `-Y` inside it sees every item: the filter
runs use plain summary output. One filter run per capture and mode checks all
fields together: it selects the frames where some field's presence differs
from the PDML tree's, and must select none; only when it selects frames are
the fields split in halves, each half in its own run, down to single fields
(each alone in its own run, as a user types it) to name them. Wireshark's own
test captures (122 files, none with anything for exmta) are concatenated
with mergecap into one file, so they cost one run per mode instead of 122;
failures are reported with the file and frame number within it. Its PDML
holds exmta's protocols only (-J; the full tree is 550 MB); items exmta put
anywhere else still show in its -T fields run, which must agree with PDML.
"""
import concurrent.futures
import difflib
import html
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import exmta_it as it  # noqa: E402

JOBS = int(os.environ.get("EXMTA_IT_JOBS", "2"))

SUMMARY_TAPS = ["-z", "exmta,endpoints", "-z", "exmta,endpoints,json",
                "-z", "exmta,sessions", "-z", "exmta,sessions,json"]

# (name, tshark arguments) of the modes every field is checked in
MODES = (
    ("one pass", []),
    ("-2", ["-2"]),
    ("one pass -z", SUMMARY_TAPS),
    ("-2 -z", ["-2"] + SUMMARY_TAPS),
)
# a mode with the taps has no PDML run of its own: its -T fields run must
# equal the mode without them, whose PDML is the truth for both
TRUTH_OF = {"one pass -z": "one pass", "-2 -z": "-2"}
PASSES = (("one pass", []), ("-2", ["-2"]))
PASSES_BY_NAME = dict(PASSES)
HEUR_FIRST = ["-o", "tcp.try_heuristic_first:TRUE"]

# the preferences the sample captures are meant to be read with
# (tools/demo.sh, README's recipes)
SAMPLE_OPTIONS = {
    "rpc-static-port.pcap": ["-o", "exmta.rpc_static_ports:5001"],
    "conn-refused-10102.pcap": ["-o", "exmta.tcp.port:102,10102"],
}

# the summaries printed with a full tree; the -z modes' -T fields runs (a
# tree with every exmta field) and -Y runs (a filter on exmta fields, no
# tree printed) print them with a filter and with fields
SUMMARY_VARIANTS = (("-V", ["-V"]),)

# README type words -> tshark -G fields types
README_TYPES = {
    "protocol": ("FT_PROTOCOL",), "none": ("FT_NONE",), "bool": ("FT_BOOLEAN",),
    "uint": ("FT_UINT8", "FT_UINT16", "FT_UINT24", "FT_UINT32", "FT_UINT64"),
    "int": ("FT_INT8", "FT_INT16", "FT_INT24", "FT_INT32", "FT_INT64"),
    "frame": ("FT_FRAMENUM",), "string": ("FT_STRING", "FT_STRINGZ"), "guid": ("FT_GUID",),
    "ipv4": ("FT_IPv4",),
}
INT_TYPES = README_TYPES["uint"] + README_TYPES["int"] + ("FT_FRAMENUM", "FT_CHAR")
MAX_LINES = 80


# ---- small pure helpers ----

def ranges(frames):
    """[1, 2, 3, 7] -> '1-3, 7'."""
    out, frames = [], sorted(set(frames))
    i = 0
    while i < len(frames):
        j = i
        while j + 1 < len(frames) and frames[j + 1] == frames[j] + 1:
            j += 1
        out.append(str(frames[i]) if i == j else "%d-%d" % (frames[i], frames[j]))
        i = j + 1
    return ", ".join(out) if out else "none"


def frame_set_filter(frames):
    """A display filter set for frame.number (4.0 wants commas)."""
    return "{" + ", ".join(r.replace("-", "..") for r in ranges(frames).split(", ")) + "}"


def mismatch_filter(fields):
    """Selects the frames where the presence of some field differs from its
    expected frames: fields is [(name, expected frame set)]."""
    terms = []
    for name, frames in fields:
        if frames:
            s = frame_set_filter(frames)
            terms.append("(%s && !(frame.number in %s)) || (!%s && frame.number in %s)" % (name, s, name, s))
        else:
            terms.append(name)
    return " || ".join("(%s)" % t for t in terms)


def summary_frames(out):
    """Frame numbers of tshark's summary lines (first column), up to any tap output."""
    frames = []
    for line in out.splitlines():
        if line.startswith(("=", "[", "{")):    # the taps' text and json
            break
        tok = line.split(None, 1)
        if tok and tok[0].isdigit():
            frames.append(int(tok[0]))
    return frames


_ATTR = re.compile(r'(\w+)="([^"]*)"')


def parse_pdml(out, names):
    """{frame: [item attributes]} of the PDML elements named in names, and
    {frame: captured length}; the text after </pdml> (tap output) as well."""
    xml, _, tail = out.partition("</pdml>")
    items, caplen = {}, {}
    num = None
    for line in xml.splitlines():
        s = line.lstrip()
        if s.startswith("<packet>"):
            num = None
            continue
        if 'name="' not in s:
            continue
        a = dict(_ATTR.findall(s))
        name = a.get("name")
        if name == "num" and num is None:
            num = int(a["show"])
            items.setdefault(num, [])
        elif name == "caplen" and num is not None and num not in caplen:
            caplen[num] = int(a["show"])
        elif name in names:
            items[num].append({k: html.unescape(v) for k, v in a.items()})
    return items, caplen, tail


def parse_fields(out, ncols):
    """[[column, ...]] of a -T fields run, up to any tap output."""
    rows = []
    for line in out.splitlines():
        if not line[:1].isdigit():      # every row starts with frame.number; taps follow
            break
        cols = line.split("\t")
        rows.append(cols + [""] * (ncols - len(cols)))
    return rows


def readme_fields():
    """{name: README type word or None} of the Fields and Expert information tables."""
    with open(os.path.join(it.SRC, "README.md"), encoding="utf-8") as f:
        text = f.read()
    out = {}
    for title, typed in (("Fields", True), ("Expert information", False)):
        m = re.search(r"^## %s\n(.*?)(?=^## )" % re.escape(title), text, re.S | re.M)
        if not m:
            raise AssertionError("README.md has no '## %s' section" % title)
        for line in m.group(1).splitlines():
            if not line.startswith("|") or line.startswith("|---"):
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            names = re.findall(r"`(exmta(?:\.[A-Za-z0-9_.]+)?)`", cells[0])
            if not names:
                continue
            types = [t.strip() for t in cells[1].split(",")] if typed else ["none"] * len(names)
            for i, n in enumerate(names):
                # one type word for several names applies to all of them
                out[n] = types[0] if len(types) == 1 else (types[i] if i < len(types) else None)
    return out


def int_of(show):
    try:
        return int(show, 0)
    except ValueError:
        return None


def bytes_say(ftype, show, data):
    """Do the item's bytes spell its shown value? None: type not interpreted."""
    if ftype in INT_TYPES or ftype == "FT_BOOLEAN":
        v = int_of(show)
        if v is None:
            return None
        if ftype == "FT_BOOLEAN":
            return (int.from_bytes(data, "big") != 0) == (v != 0)
        cands = {int.from_bytes(data, "big"), int.from_bytes(data, "little")}
        if ftype.startswith("FT_INT"):
            cands |= {int.from_bytes(data, "big", signed=True), int.from_bytes(data, "little", signed=True)}
        return v in cands
    if ftype in ("FT_STRING", "FT_STRINGZ"):
        return data.rstrip(b"\0").decode("latin-1") == show
    if ftype == "FT_IPv4":
        return len(data) == 4 and ".".join(str(b) for b in data) == show
    return None


# ---- the runs ----

class Unit:
    """One capture, or Wireshark's test captures concatenated into one file."""

    def __init__(self, name, path, opts=(), parts=None, pdml_protos=None, each_field=False):
        self.name, self.path, self.opts = name, path, list(opts)
        self.parts = parts                  # [(file name, first merged frame, frames)] for a merged unit
        self.pdml_protos = pdml_protos      # PDML of exmta's protocols only (-J): the large merged file
        self.each_field = each_field        # a -Y run for each field alone, one pass and -2
        self.alone = {}                     # (mode, field) -> (frames -Y field selects, error)
        self.pdml, self.fields, self.heur, self.stock = {}, {}, {}, {}
        self.truth, self.field_sets, self.items, self.caplen, self.tails = {}, {}, {}, {}, {}
        self.ymismatch, self.culprits, self.summary, self.raw = {}, {}, {}, {}
        self.errors = []

    def where(self, frames):
        """Frame numbers as the user finds them: in the capture file they are in."""
        if not self.parts:
            return "frames " + ranges(frames)
        out = []
        for fname, first, count in self.parts:
            mine = [f - first + 1 for f in frames if first <= f < first + count]
            if mine:
                out.append("%s frames %s" % (fname, ranges(mine)))
        return "; ".join(out) if out else "frames none"

    def args(self, *more):
        return ["-r", self.path] + [a for m in more for a in m] + self.opts


class Runner:
    """Runs tshark JOBS at a time and counts the runs."""

    def __init__(self):
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=JOBS)
        self.count = 0
        self.lock = threading.Lock()

    def run(self, jobs):
        """jobs: [(key, args, stock)] -> {key: (stdout, error or None)}."""
        with self.lock:
            self.count += len(jobs)
        futs = {k: self.pool.submit(self._one, a, s) for k, a, s in jobs}
        return {k: f.result() for k, f in futs.items()}

    @staticmethod
    def _one(args, stock):
        try:
            return it.tshark(args, stock=stock), None
        except AssertionError as e:
            return "", str(e)


def capture_files(folder):
    return sorted(os.path.join(folder, f) for f in os.listdir(folder)
                  if os.path.isfile(os.path.join(folder, f)) and not f.endswith((".md", ".txt")))


def concatenate(tmp, name, paths):
    """paths into one pcapng file, and where each file's frames are in it."""
    counts = subprocess.run(["capinfos", "-T", "-r", "-c", "-M"] + paths, stdout=subprocess.PIPE,
                            check=True, universal_newlines=True).stdout
    parts, first = [], 1
    for line, path in zip(counts.splitlines(), paths):
        n = int(line.rsplit("\t", 1)[1])
        parts.append((os.path.basename(os.path.dirname(path)) + "/" + os.path.basename(path), first, n))
        first += n
    merged = tmp.file(name)
    subprocess.run(["mergecap", "-a", "-F", "pcapng", "-w", merged] + paths, check=True)
    it.readable(merged)
    return merged, parts


def make_units(tmp):
    samples = capture_files(it.SAMPLES)
    units = [Unit(os.path.basename(p), p, SAMPLE_OPTIONS.get(os.path.basename(p), ())) for p in samples]
    if shutil.which("mergecap") and shutil.which("capinfos"):
        # without the X.410-mode sample: stock RTSE applies its application
        # protocol to every bind it reads after it (test_x400.BindUndecoded),
        # which in -2 is every bind of the file
        some = [p for p in samples if "x410" not in os.path.basename(p)]
        merged, parts = concatenate(tmp, "samples.pcapng", some)
        units.append(Unit("sample-pcaps (%d files, concatenated)" % len(some), merged, parts=parts,
                          each_field=True))
    if not os.path.isdir(it.SHARED):
        return units, False
    wiki = capture_files(os.path.join(it.SHARED, "wiki"))
    units += [Unit("wiki/" + os.path.basename(p), p) for p in wiki]
    if shutil.which("mergecap") and shutil.which("capinfos"):
        merged, parts = concatenate(tmp, "wiki.pcapng", wiki)
        units.append(Unit("wiki (%d files, concatenated)" % len(wiki), merged, parts=parts, each_field=True))
    wt = capture_files(os.path.join(it.SHARED, "wireshark-tests"))
    if shutil.which("mergecap") and shutil.which("capinfos"):
        merged, parts = concatenate(tmp, "wireshark-tests.pcapng", wt)
        units.append(Unit("wireshark-tests (%d files, concatenated)" % len(wt), merged, parts=parts,
                          pdml_protos=True))
    else:
        units += [Unit("wireshark-tests/" + os.path.basename(p), p) for p in wt]
    return units, True


class FieldContract(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        t0, c0 = time.time(), os.times()
        cls.tmp = it.TempDir()
        cls.runner = r = Runner()
        cls.units, cls.have_shared = make_units(cls.tmp)
        only = os.environ.get("EXMTA_IT_CAPTURES")
        if only:
            # a run by hand on some captures: a regular expression on their names
            cls.units = [u for u in cls.units if re.search(only, u.name)]
            if not cls.units:
                raise AssertionError("EXMTA_IT_CAPTURES=%s matches no capture" % only)

        # the plugin's own fields and protocols: what it registers on top of stock
        g = r.run([("mine", ["-G", "fields"], False), ("stock", ["-G", "fields"], True),
                   ("decodes", ["-G", "decodes"], True)])
        for k, (_o, err) in g.items():
            if err:
                raise AssertionError(err)

        def reg(out):
            rows = [l.split("\t") for l in out.splitlines()]
            return {row[2]: (row[3] if row[0] == "F" else "FT_PROTOCOL") for row in rows
                    if row[0] in ("F", "P") and len(row) > 2}
        mine, stock = reg(g["mine"][0]), reg(g["stock"][0])
        cls.registered = {n: t for n, t in mine.items() if n not in stock}
        cls.plugin_protos = {n for n, t in cls.registered.items() if t == "FT_PROTOCOL"}
        cls.stock_tpkt_ports = {int(row[1]) for row in (l.split("\t") for l in g["decodes"][0].splitlines())
                                if len(row) == 3 and row[0] == "tcp.port" and row[2] == "tpkt"}
        cls.readme = readme_fields()
        # every field the plugin registers is checked in the captures (a name
        # only README knows fails test 1: tshark would refuse it in -e and -Y)
        cls.names = sorted(cls.registered)
        cls.ftype = dict(cls.registered)
        cls.columns = ["frame.number", "frame.protocols"] + cls.names

        # each capture goes through its phases on its own, so the tshark slots
        # never wait for the slowest capture of a phase
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(len(cls.units), 1)) as ex:
            # the large concatenated file first: it has the longest runs
            for f in [ex.submit(cls._pipeline, [u]) for u in sorted(cls.units, key=lambda u: not u.parts)]:
                f.result()
        r.pool.shutdown()
        c1 = os.times()
        sys.stderr.write("test_field_contract: %d tshark runs, %d captures in %d units, %.0f s wall, "
                         "%.0f s CPU\n" % (r.count, sum(len(u.parts or [1]) for u in cls.units), len(cls.units),
                                           time.time() - t0, c1.children_user + c1.children_system
                                           - c0.children_user - c0.children_system))

    @classmethod
    def _pipeline(cls, units):
        r = cls.runner
        # phase 1: the trees (PDML), the field values, frame.protocols with the heuristic first
        jobs = []
        for u in units:
            for mode, margs in MODES:
                j = ["-J", " ".join(sorted(cls.plugin_protos))] if u.pdml_protos else []
                if mode not in TRUTH_OF:
                    jobs.append(((u, "pdml", mode), u.args(["-T", "pdml"], j, margs), False))
                jobs.append(((u, "fields", mode), u.args(cls._fields_args(cls.columns), margs), False))
            for p, pargs in PASSES:
                jobs.append(((u, "heur", p), u.args(cls._fields_args(["frame.number", "frame.protocols"]),
                                                    pargs, HEUR_FIRST), False))
        cls._store(r.run(jobs))
        for u in units:
            cls._digest(u)

        # phase 2: the filter runs, stock, the summaries, the frames' bytes
        jobs = []
        for u in units:
            ports = sorted({int(i["show"]) for i in cls._all_items(u)
                            if i["name"] == "exmta.rfc1006.port"} - cls.stock_tpkt_ports)
            # stock decodes those ports as TPKT through its own preference, not
            # "-d tcp.port==P,tpkt": that name matches two stock handles, and
            # the one -d picks leaves tpkt out of frame.protocols on the first
            # frame of a one-pass read (-2 shows it), so stock would disagree
            # with itself
            decode = (["-o", "tpkt.tcp.port:" + ",".join(str(p) for p in sorted(cls.stock_tpkt_ports | set(ports)))]
                      if ports else [])
            u.stock_decode = decode
            for mode, margs in MODES:
                if mode in u.truth:
                    expr = mismatch_filter([(n, u.truth[mode].get(n, set())) for n in cls.names])
                    jobs.append(((u, "y", mode), u.args(["-Y", expr], margs), False))
                    if u.each_field and mode in PASSES_BY_NAME:
                        jobs += [((u, "alone", (mode, n)), u.args(["-Y", n], margs), False) for n in cls.names]
            for p, pargs in PASSES:
                for h, hargs in (("", []), (" heuristic first", HEUR_FIRST)):
                    jobs.append(((u, "stock", p + h),
                                 ["-r", u.path, "-T", "fields", "-e", "frame.number", "-e", "frame.protocols"]
                                 + pargs + hargs + decode, True))
            if u.found and not u.parts:
                jobs.append(((u, "summary", "base"), u.args(["-q"], SUMMARY_TAPS), False))
                for v, vargs in SUMMARY_VARIANTS:
                    jobs.append(((u, "summary", v), u.args(vargs, SUMMARY_TAPS), False))
            wanted = sorted({i["frame"] for i in cls._all_items(u) if int(i.get("size", "0")) > 0})
            if wanted:
                # the frames' bytes: from the file itself when it is a classic
                # pcap (the record's data is the frame), else from tshark
                try:
                    records = it.read_pcap(u.path)[1]
                    u.raw = {n: records[n - 1][2] for n in wanted if n <= len(records)}
                except ValueError:
                    jobs.append(((u, "raw", None), u.args(["-T", "json", "-x", "-j", "frame", "-Y",
                                                           "frame.number in " + frame_set_filter(wanted)]), False))
        cls._store(r.run(jobs))

        # phase 3: name the fields behind a filter run that selected frames:
        # the fields present in some mode and the absent ones first, then halves
        queue = []
        for u in units:
            for mode, (frames, err) in u.ymismatch.items():
                if frames and not err:
                    present = [n for n in cls.names if any(n in t for t in u.truth.values())]
                    groups = [g for g in (present, [n for n in cls.names if n not in present]) if g]
                    queue += [(u, mode, g) for g in groups]
                    u.culprits[mode] = []
        while queue:
            jobs = [((u, mode, tuple(g)), u.args(["-Y", mismatch_filter([(n, u.truth[mode].get(n, set()))
                                                                         for n in g])], dict(MODES)[mode]), False)
                    for u, mode, g in queue]
            res = r.run(jobs)
            nxt = []
            for u, mode, g in queue:
                out, err = res[(u, mode, tuple(g))]
                if err:
                    u.errors.append("%s, %s, -Y for %s: %s" % (u.name, mode, ", ".join(g), err))
                    continue
                mism = set(summary_frames(out))
                if not mism:
                    continue
                if len(g) == 1:
                    u.culprits[mode].append((g[0], mism))
                else:
                    nxt += [(u, mode, g[:len(g) // 2]), (u, mode, g[len(g) // 2:])]
            queue = nxt
        for u in units:
            for mode, found in u.culprits.items():
                if not found:
                    # only the fields together select frames
                    found.append((None, set(u.ymismatch[mode][0])))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @staticmethod
    def _fields_args(cols):
        a = ["-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"]
        for c in cols:
            a += ["-e", c]
        return a

    @classmethod
    def _store(cls, res):
        for (u, kind, mode), (out, err) in res.items():
            if err:
                u.errors.append("%s, %s %s: %s" % (u.name, kind, mode or "", err))
            if kind == "alone":
                u.alone[mode] = (set(summary_frames(out)), err)
            elif kind == "y":
                u.ymismatch[mode] = (summary_frames(out), err)
                if not err:
                    u.tails[("-Y", mode)] = out
            elif kind == "raw":
                u.raw = cls._raw_frames(out) if not err else {}
            elif not err:
                getattr(u, kind)[mode] = out

    @staticmethod
    def _raw_frames(out):
        import json
        res = {}
        for pkt in (json.loads(out) if out.strip() else []):
            layers = pkt["_source"]["layers"]
            res[int(layers["frame"]["frame.number"])] = bytes.fromhex(layers["frame_raw"][0])
        return res

    @classmethod
    def _digest(cls, u):
        """Per mode: {field: frames} from PDML (truth) and from -T fields."""
        names = set(cls.names)
        for mode, _ in MODES:
            if mode in u.pdml:
                items, caplen, tail = parse_pdml(u.pdml[mode], names)
                per = {}
                for num, its in items.items():
                    for i in its:
                        per.setdefault(i["name"], set()).add(num)
                u.truth[mode] = per
                u.items[mode] = {num: cls._by_name(its) for num, its in items.items() if its}
                u.caplen.update(caplen)
                u.tails[("pdml", mode)] = tail
            if mode in u.fields:
                rows = parse_fields(u.fields[mode], len(cls.columns))
                per = {}
                for row in rows:
                    for n, v in zip(cls.columns[2:], row[2:]):
                        if v:
                            per.setdefault(n, set()).add(int(row[0]))
                u.field_sets[mode] = per
                u.tails[("-T fields", mode)] = u.fields[mode]
        for mode, of in TRUTH_OF.items():
            if of in u.truth:
                u.truth[mode] = u.truth[of]
        u.found = any(per for per in u.truth.values()) or any(per for per in u.field_sets.values())

    @staticmethod
    def _all_items(u):
        for per_frame in u.items.values():
            for num, by_name in per_frame.items():
                for its in by_name.values():
                    for i in its:
                        yield dict(i, frame=num)

    @staticmethod
    def _by_name(its):
        d = {}
        for i in its:
            d.setdefault(i["name"], []).append(i)
        return d

    def _report(self, problems, what):
        errors = [e for u in self.units for e in u.errors]
        if errors:
            problems = ["tshark failed: " + e for e in errors] + problems
        if problems:
            more = len(problems) - MAX_LINES
            self.fail("%s:\n  " % what + "\n  ".join(problems[:MAX_LINES])
                      + ("\n  ... and %d more" % more if more > 0 else ""))

    # ---- 1 ----
    def test_1_readme_lists_every_field(self):
        problems = []
        reg = {n for n in self.registered if n == "exmta" or n.startswith("exmta.")}
        for n in sorted(reg - set(self.readme)):
            problems.append("%s is registered (tshark -G fields) but not in README's Fields or Expert "
                            "information table" % n)
        for n in sorted(set(self.readme) - reg):
            problems.append("%s is in README but the plugin does not register it" % n)
        for n in sorted(reg & set(self.readme)):
            word = (self.readme[n] or "").lower()
            if word not in README_TYPES:
                problems.append("%s: README's type %r is not one of %s" % (n, self.readme[n], sorted(README_TYPES)))
            elif self.registered[n] not in README_TYPES[word]:
                problems.append("%s: README says %s, tshark -G fields says %s" % (n, word, self.registered[n]))
        self._report(problems, "README's field tables against the registered fields")

    # ---- 2 ----
    def test_2_filter_fields_and_tree_select_the_same_frames(self):
        problems = []
        for u in self.units:
            for mode, _ in MODES:
                pdml, flds = u.truth.get(mode), u.field_sets.get(mode)
                if pdml is None or flds is None:
                    continue
                for n in self.names:
                    a, b = pdml.get(n, set()), flds.get(n, set())
                    if a != b:
                        problems.append("%s, %s, %s: PDML (-V tree) has it in %s, -T fields -e in %s"
                                        % (u.name, mode, n, u.where(a), u.where(b)))
                for n in self.names:
                    sel, err = u.alone.get((mode, n), (None, None))
                    if sel is not None and not err and sel != pdml.get(n, set()):
                        problems.append("%s, %s: -Y %s alone selects %s; the PDML tree has it in %s"
                                        % (u.name, mode, n, u.where(sel), u.where(pdml.get(n, set()))))
                for n, mism in sorted(u.culprits.get(mode, []), key=lambda c: c[0] or ""):
                    if n is None:
                        problems.append("%s, %s: -Y with all fields together selects %s against the PDML "
                                        "tree, but no field alone does" % (u.name, mode, u.where(mism)))
                        continue
                    t = pdml.get(n, set())
                    sel = (t - mism) | (mism - t)
                    problems.append("%s, %s, %s: -Y %s selects %s; the PDML tree and -T fields have it in %s"
                                    % (u.name, mode, n, n, u.where(sel), u.where(t)))
        self._report(problems, "-Y FIELD, -T fields -e FIELD and PDML disagree")

    # ---- 3 ----
    def test_3_summaries_same_with_filter_or_tree(self):
        problems = []
        checked = 0
        for u in self.units:
            base = u.summary.get("base")
            if base is None:
                continue
            checked += 1
            blines = base.splitlines()
            for v, _ in SUMMARY_VARIANTS:
                out = u.summary.get(v)
                if out is None:
                    continue
                lines = out.splitlines()
                if v == "-V":
                    lines = lines[-len(blines):]
                if lines != blines:
                    diff = list(difflib.unified_diff(blines, lines, "without", v, lineterm="", n=0))[2:12]
                    problems.append("%s: -z exmta,endpoints/sessions (text, json) differ with %s:\n      %s"
                                    % (u.name, v, "\n      ".join(diff)))
            for (kind, mode), out in sorted(u.tails.items()):
                if "-z" not in mode:
                    continue
                tail = out.rstrip("\n").splitlines()[-len(blines):] if blines else []
                if tail != blines:
                    diff = list(difflib.unified_diff(blines, tail, "-q", kind, lineterm="", n=0))[2:12]
                    problems.append("%s: -z exmta,endpoints/sessions in the %s run, %s, differ from -q:\n      %s"
                                    % (u.name, kind, mode, "\n      ".join(diff)))
        if not os.environ.get("EXMTA_IT_CAPTURES"):
            self.assertGreater(checked, 0, "no capture where exmta finds something")
        self._report(problems, "endpoint and session summaries depend on -Y or -V")

    # ---- 4 ----
    def test_4_protocol_stack_is_stocks(self):
        problems = []
        for u in self.units:
            grouped = {}
            for p, _ in PASSES:
                for h in ("", " heuristic first"):
                    stock = u.stock.get(p + h)
                    if stock is None:
                        continue
                    srcs = [u.heur.get(p)] if h else [u.fields.get(p), u.fields.get(p + " -z")]
                    want = {int(r[0]): r[1] for r in parse_fields(stock, 2)}
                    for src, label in zip(srcs, ["", " -z"]):
                        if src is None:
                            continue
                        diffs = {}
                        for row in parse_fields(src, 2):
                            num, mine = int(row[0]), row[1]
                            cut = ":".join(x for x in mine.split(":") if x not in self.plugin_protos)
                            if cut != want.get(num):
                                diffs.setdefault((mine, want.get(num)), []).append(num)
                        for (mine, st), frames in diffs.items():
                            grouped.setdefault((u.name, mine, st, tuple(frames)), []).append(p + h + label)
            # one line per difference, with the modes it shows in
            for (name, mine, st, frames), modes in sorted(grouped.items(), key=lambda g: (g[0][0], g[0][3])):
                problems.append("%s, %s (%s): with exmta %s, stock %s%s"
                                % (name, u.where(frames), "; ".join(modes), mine, st,
                                   " (stock run with %s)" % " ".join(u.stock_decode) if u.stock_decode else ""))
        self._report(problems, "frame.protocols with exmta's protocols removed is not stock's")

    # ---- 5 ----
    def test_5_items_point_at_their_bytes(self):
        problems = []
        for u in self.units:
            seen = set()
            for mode, frames in u.items.items():
                for num, by_name in frames.items():
                    for n, its in by_name.items():
                        for i in its:
                            size, pos = int(i.get("size", "0")), int(i.get("pos", "0"))
                            if size == 0:
                                continue
                            key = (num, n, pos, size, i.get("show"))
                            if key in seen:
                                continue
                            seen.add(key)
                            p = self._bytes_problem(u, num, n, i, pos, size)
                            if p:
                                problems.append("%s, %s, %s (%s): %s" % (u.name, u.where([num]), n, mode, p))
        self._report(problems, "exmta items that do not point at the bytes they describe")

    def _bytes_problem(self, u, num, name, item, pos, size):
        frame = u.raw.get(num)
        if frame is None:
            return "no bytes of the frame to compare with"
        ftype = self.ftype.get(name)
        if pos + size > len(frame):
            return "pos %d size %d is past the frame's %d captured bytes (a buffer other than the " \
                   "frame's; such an item must be generated, size 0)" % (pos, size, len(frame))
        if ftype in ("FT_PROTOCOL", "FT_NONE"):
            return None
        # a field with a bitmask: value is the masked value, unmaskedvalue the bytes
        masked = "unmaskedvalue" in item
        hexval = item.get("unmaskedvalue" if masked else "value", "")
        data = bytes.fromhex(hexval)
        here = frame[pos:pos + size]
        if data != here:
            return "PDML's bytes %s are not the frame's bytes at pos %d size %d (%s): the item's bytes " \
                   "are in another buffer" % (hexval, pos, size, here.hex())
        if masked:
            says = int(item["value"], 16) == int_of(item.get("show", ""))
        else:
            says = bytes_say(ftype, item.get("show", ""), data)
        if says is False:
            return "shows %s but points at pos %d size %d, bytes %s" % (item.get("show"), pos, size, here.hex())
        return None

    # ---- 6 ----
    def test_6_one_pass_equals_two_pass(self):
        problems = []
        for u in self.units:
            for one, two in (("one pass", "-2"), ("one pass -z", "-2 -z"), ("one pass", "one pass -z")):
                if one not in u.fields or two not in u.fields:
                    continue
                a = {int(r[0]): r[2:] for r in parse_fields(u.fields[one], len(self.columns))}
                b = {int(r[0]): r[2:] for r in parse_fields(u.fields[two], len(self.columns))}
                for k, n in enumerate(self.names):
                    diff = [f for f in sorted(set(a) | set(b))
                            if (a.get(f) or [""] * len(self.names))[k] != (b.get(f) or [""] * len(self.names))[k]]
                    if diff:
                        f = diff[0]
                        problems.append("%s, %s: %s differs in %s (first: %s %r, %s %r)"
                                        % (u.name, n, one + " vs " + two, u.where(diff),
                                           one, (a.get(f) or [""] * len(self.names))[k],
                                           two, (b.get(f) or [""] * len(self.names))[k]))
        self._report(problems, "exmta fields differ between one pass and -2")

    def test_7_shared_captures_checked(self):
        if os.environ.get("EXMTA_IT_CAPTURES"):
            # a run on some captures: by hand, or tests/versions.sh in a root
            self.skipTest("EXMTA_IT_CAPTURES=%s: only %d of the captures were checked"
                          % (os.environ["EXMTA_IT_CAPTURES"], len(self.units)))
        if not self.have_shared:
            self.skipTest("../shared/captures is not here (a user's clone): only sample-pcaps/ was checked")
        n = sum(len(u.parts) if u.parts else 1 for u in self.units if u.path.startswith(it.SHARED) or u.parts)
        self.assertGreater(n, 100)


if __name__ == "__main__":
    it.main()
