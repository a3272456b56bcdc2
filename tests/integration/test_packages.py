"""Packages (packaging/exmta-cpack.cmake): cpack -G DEB builds a .deb that
puts exmta.so into the global plugin folder of the distribution's Wireshark
and depends on the libwireshark package this build linked against; cpack -G
TGZ builds a tarball with exmta.so, README.md and install-personal.sh. Both
are unpacked and loaded by the real tshark (exit 77 without cpack/dpkg-deb).

The build is a separate one in a temporary folder. Until the top-level
CMakeLists.txt has include(packaging/exmta-cpack.cmake), the test builds a
copy of the source tree with that line appended."""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import exmta_it as it  # noqa: E402

INCLUDE_LINE = "include(packaging/exmta-cpack.cmake)"


def run(cmd, **kw):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=900, **kw)
    out = p.stdout.decode("utf-8", "replace")
    if p.returncode != 0:
        raise AssertionError("%s failed (%d):\n%s" % (" ".join(cmd), p.returncode, out[-3000:]))
    return out


def os_release():
    vals = {}
    with open("/etc/os-release") as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                vals[k] = v.strip('"')
    if "/sid" in vals.get("PRETTY_NAME", ""):
        return "sid"
    return vals.get("VERSION_CODENAME", "unknown")


def as_nobody(cmd, home, env=None):
    """Run cmd as uid 65534 when root (tshark as root ignores plugin folders)."""
    e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "TZ": "UTC",
         "XDG_CONFIG_HOME": os.path.join(home, ".config")}
    if env:
        e.update(env)
    if os.getuid() == 0:
        cmd = it.unprivileged(cmd)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e, timeout=600)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


class Packages(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for tool in ("cmake", "cpack", "dpkg-deb", "dpkg"):
            if shutil.which(tool) is None:
                print("%s is not installed: package tests skipped" % tool)
                raise SystemExit(77)
        cls.tmp = tempfile.mkdtemp(prefix="exmta-pkg.")
        os.chmod(cls.tmp, 0o755)
        with open(os.path.join(it.SRC, "CMakeLists.txt")) as f:
            included = INCLUDE_LINE in f.read()
        if included:
            src = it.SRC
        else:
            src = os.path.join(cls.tmp, "src")
            shutil.copytree(it.SRC, src, ignore=shutil.ignore_patterns(".git", "build", "build-*", "bench"))
            with open(os.path.join(src, "CMakeLists.txt"), "a") as f:
                f.write("\n" + INCLUDE_LINE + "\n")
        cls.build = os.path.join(cls.tmp, "build")
        cls.configure = run(["cmake", "-S", src, "-B", cls.build, "-DBUILD_TESTING=OFF",
                             "-DCMAKE_BUILD_TYPE=RelWithDebInfo"])
        run(["cmake", "--build", cls.build, "--target", "exmta", "-j", str(os.cpu_count() or 2)])
        run(["cpack", "-G", "DEB"], cwd=cls.build)
        run(["cpack", "-G", "TGZ"], cwd=cls.build)
        cls.ws = os.environ.get("EXMTA_WS_MINOR") or re.search(
            r"plugin folder (\d+\.\d+)/epan", cls.configure).group(1)
        arch = subprocess.run(["dpkg", "--print-architecture"], stdout=subprocess.PIPE).stdout.decode().strip()
        cls.stem = "exmta_0.1.0_wireshark%s_%s_%s" % (cls.ws, os_release(), arch)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def deb(self):
        path = os.path.join(self.build, self.stem + ".deb")
        self.assertTrue(os.path.exists(path), "%s not in %s" % (self.stem + ".deb", os.listdir(self.build)))
        return path

    def tgz(self):
        path = os.path.join(self.build, self.stem + ".tar.gz")
        self.assertTrue(os.path.exists(path), "%s not in %s" % (self.stem + ".tar.gz", os.listdir(self.build)))
        return path

    def test_deb_contents_path(self):
        files = sorted(l.split()[-1] for l in run(["dpkg-deb", "-c", self.deb()]).splitlines()
                       if not l.startswith("d"))
        self.assertEqual(len(files), 2, files)
        self.assertEqual(files[0], "./usr/bin/exmta-fileset")      # the file-set tool travels with it
        path = files[1].lstrip(".")
        self.assertRegex(path, r"^/usr/lib/[^/]+/wireshark/plugins/%s/epan/exmta\.so$" % re.escape(self.ws))
        # the folder is the one Debian's Wireshark loads its own global plugins from
        folder = os.path.dirname(path)
        self.assertTrue(glob.glob(os.path.join(folder, "*.so")), "no stock plugins in %s" % folder)
        owner = run(["dpkg", "-S", folder]).split(":")[0]
        self.assertTrue(owner.startswith("libwireshark"), owner)

    def test_deb_depends(self):
        lib = sorted(glob.glob("/usr/lib/*/libwireshark.so.*"))[0]
        pkg = run(["dpkg", "-S", os.path.realpath(lib)]).split(":")[0]
        self.assertRegex(pkg, r"^libwireshark\d+$")
        major, minor = self.ws.split(".")
        want = "%s (>= %s.%s.0), %s (<< %s.%d~)" % (pkg, major, minor, pkg, major, int(minor) + 1)
        self.assertEqual(run(["dpkg-deb", "-f", self.deb(), "Depends"]).strip(), want)
        # exmta-fileset's own needs
        self.assertEqual(run(["dpkg-deb", "-f", self.deb(), "Recommends"]).strip(),
                         "tshark, python3, python3-pcapy, parallel")
        self.assertEqual(run(["dpkg-deb", "-f", self.deb(), "Package"]).strip(), "exmta")
        self.assertEqual(run(["dpkg-deb", "-f", self.deb(), "Version"]).strip(), "0.1.0")

    def test_deb_loads(self):
        root = os.path.join(self.tmp, "deb-root")
        run(["dpkg-deb", "-x", self.deb(), root])
        run(["chmod", "-R", "a+rX", self.tmp])
        plugins = glob.glob(os.path.join(root, "usr/lib/*/wireshark/plugins"))[0]
        env = {"EXMTA_PLUGIN_ROOT": plugins}
        out = it.tshark(["-G", "plugins"], env=env)
        self.assertRegex(out, r"(?m)^exmta\.so\s+0\.1\.0\s+\S+\s+%s/%s/epan/exmta\.so$"
                         % (re.escape(plugins), re.escape(self.ws)))
        out = it.tshark(["-r", it.sample("x400-bind-refused.pcap"), "-q", "-z", "exmta,endpoints,csv"], env=env)
        self.assertIn("X.400 bind refused: authentication-error", out)

    def test_tarball_and_install_personal(self):
        names = run(["tar", "tzf", self.tgz()]).split()
        self.assertEqual(sorted(n for n in names if not n.endswith("/")),
                         sorted("%s/%s" % (self.stem, f) for f in
                                ("README.md", "WIRESHARK_VERSION", "exmta.so", "install-personal.sh",
                                 "exmta-fileset")))
        unpack = os.path.join(self.tmp, "tgz")
        os.makedirs(unpack)
        run(["tar", "xzf", self.tgz(), "-C", unpack])
        home = os.path.join(self.tmp, "home")
        os.makedirs(home)
        run(["chmod", "-R", "a+rwX", home])
        run(["chmod", "-R", "a+rX", self.tmp])
        script = os.path.join(unpack, self.stem, "install-personal.sh")
        rc, out, err = as_nobody([script], home)
        self.assertEqual(rc, 0, out + err)
        installed = os.path.join(home, ".local/lib/wireshark/plugins/%s/epan/exmta.so" % self.ws)
        self.assertTrue(os.path.exists(installed))
        self.assertIn("exmta is loaded by tshark", out)
        self.assertRegex(out, r"(?m)^exmta\.so\s+0\.1\.0\s+\S+\s+%s$" % re.escape(installed))
        # and the personal install decodes (no WIRESHARK_PLUGIN_DIR)
        rc, out, err = as_nobody(["tshark", "-r", it.sample("x400-bind-refused.pcap"), "-q", "-z",
                                  "exmta,endpoints,csv"], home)
        self.assertEqual(rc, 0, err)
        self.assertIn("X.400 bind refused: authentication-error", out)
        rc, out, err = as_nobody([script, "--uninstall"], home)
        self.assertEqual(rc, 0, out + err)
        self.assertFalse(os.path.exists(installed))


if __name__ == "__main__":
    it.main()
