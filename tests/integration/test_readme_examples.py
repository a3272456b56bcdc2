"""README.md's examples, run as a user would copy them.

Every `console` block of README.md is a list of `$ tshark ...` commands, each
followed by the output README shows for it. Each command runs with the
built plugin (tools/exmta-tshark, as an unprivileged user): a bare capture
name is one of sample-pcaps/, a path is taken from the source folder (so
../shared/... is the shared captures: skipped without them), and a file a
command writes with -w lands in a scratch folder, where the block's next
commands read it. Its output must be README's, line for line (but for
trailing blanks, which Markdown does not keep); a README line "..." ends
what is compared (the rest is left out on purpose). It runs with Wireshark
4.4 and 4.6 too (tests/versions.sh).
"""
import os
import re
import shlex
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import exmta_it as it  # noqa: E402


BOOL = {"True": "1", "False": "0"}


def console_blocks(path):
    """[(line number, [(command line, [expected output lines])])] of README's console blocks."""
    blocks, cur, start = [], None, 0
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if cur is None:
                if line.strip() == "```console":
                    cur, start = [], n + 1
            elif line.startswith("```"):
                blocks.append((start, cur))
                cur = None
            elif line.startswith("$ "):
                cur.append((line[2:], []))
            elif cur:
                cur[-1][1].append(line)
    return blocks


class ReadmeExamples(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.blocks = console_blocks(os.path.join(it.SRC, "README.md"))

    def run_block(self, cmds, tmp):
        for cmd, want in cmds:
            argv = shlex.split(cmd)
            self.assertEqual(argv[0], "tshark", "only tshark commands are run: %r" % cmd)
            args = []
            for i, a in enumerate(argv[1:], 1):
                if argv[i - 1] == "-r":
                    if os.sep not in a and os.path.exists(os.path.join(it.SAMPLES, a)):
                        a = os.path.join(it.SAMPLES, a)
                    elif os.sep not in a:
                        a = tmp.file(a)                 # written by an earlier command
                    else:
                        a = os.path.normpath(os.path.join(it.SRC, a))
                    if not os.path.exists(a):
                        self.skipTest("%s is not here" % a)
                elif argv[i - 1] == "-w":
                    a = tmp.file(a)
                args.append(a)
            # README cannot keep a line's trailing tabs (empty last fields);
            # tshark 4.2 and later print a boolean field as True/False where
            # 4.0, which README shows, prints 1/0 (README says so)
            got = [l.rstrip() for l in it.tshark(args).splitlines()]
            if "-T" in args:
                got = ["\t".join(BOOL.get(c, c) for c in l.split("\t")) for l in got]
            want = [l.rstrip() for l in want]
            if "..." in want:
                want = want[:want.index("...")]
                got = got[:len(want)]
            self.assertEqual(got, want, cmd)

    def test_every_console_block(self):
        ran = 0
        for start, cmds in self.blocks:
            with self.subTest(readme_line=start, command=cmds[0][0] if cmds else None):
                tmp = it.TempDir()
                os.chmod(tmp.path, 0o777)        # -w runs as the unprivileged user
                try:
                    self.run_block(cmds, tmp)
                    ran += len(cmds)
                finally:
                    tmp.cleanup()
        # the README has examples of each kind: a count that cannot drop unseen
        self.assertGreaterEqual(ran, 25)

    def test_blocks_are_found(self):
        """The parser sees every `$ ` line README's console blocks have."""
        with open(os.path.join(it.SRC, "README.md"), encoding="utf-8") as f:
            text = f.read()
        dollars = sum(len(re.findall(r"^\$ ", b, re.M)) for b in re.findall(r"^```console\n(.*?)^```", text, re.M | re.S))
        self.assertEqual(sum(len(c) for _s, c in self.blocks), dollars)
        self.assertGreater(dollars, 0)


if __name__ == "__main__":
    it.main()
